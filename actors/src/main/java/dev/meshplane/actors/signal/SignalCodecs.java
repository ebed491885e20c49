package dev.meshplane.actors.signal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.meshplane.protocol.signal.EncryptedMessage;
import io.grpc.Status;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.ProtobufSerializer;
import org.apache.pekko.util.ByteString;

/**
 * gRPC payload codecs of the signal edge. Messages are parsed once on the way in, only to learn
 * the routing key, and kept as their original bytes: the server must relay them byte-identical
 * (openzro signal/server/signal.go forwards the body untouched; clients decrypt it), and not
 * re-encoding also saves work on the hot path.
 */
final class SignalCodecs {

  /**
   * An inbound {@code EncryptedMessage}: its routing key, the length of the sender's key (only
   * checked, never used: the server does not know who sends) and its bytes as received.
   */
  record InboundMessage(String remoteKey, int keyLength, byte[] raw) {}

  static final ProtobufSerializer<InboundMessage> INBOUND = new ProtobufSerializer<>() {
    @Override
    public ByteString serialize(InboundMessage message) {
      return ByteString.fromArrayUnsafe(message.raw());
    }

    @Override
    public InboundMessage deserialize(ByteString bytes) {
      byte[] raw = bytes.toArrayUnsafe();
      try {
        EncryptedMessage parsed = EncryptedMessage.parseFrom(raw);
        return new InboundMessage(parsed.getRemoteKey(), parsed.getKey().length(), raw);
      } catch (InvalidProtocolBufferException e) {
        throw new GrpcServiceException(
            Status.INVALID_ARGUMENT.withDescription("not an EncryptedMessage: " + e.getMessage()));
      }
    }
  };

  /** Outbound payloads are already serialized {@code EncryptedMessage}s. */
  static final ProtobufSerializer<byte[]> OUTBOUND = new ProtobufSerializer<>() {
    @Override
    public ByteString serialize(byte[] message) {
      return ByteString.fromArrayUnsafe(message);
    }

    @Override
    public byte[] deserialize(ByteString bytes) {
      return bytes.toArray();
    }
  };

  /** Serialized empty {@code EncryptedMessage}: the answer to every successful Send. */
  static final byte[] EMPTY_REPLY = EncryptedMessage.getDefaultInstance().toByteArray();

  private SignalCodecs() {}
}
