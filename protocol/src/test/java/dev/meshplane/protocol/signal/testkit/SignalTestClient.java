package dev.meshplane.protocol.signal.testkit;

import com.google.protobuf.ByteString;
import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.SignalExchangeMethods;
import dev.meshplane.protocol.signal.SignalHeaders;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A signal client built only from stock grpc-java and the generated messages, so tests exercise
 * the server exactly as a foreign client would (no Pekko on the client side).
 */
public final class SignalTestClient implements AutoCloseable {

  public static final Metadata.Key<String> PEER_ID =
      Metadata.Key.of(SignalHeaders.PEER_ID, Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> PEER_REGISTERED =
      Metadata.Key.of(SignalHeaders.PEER_REGISTERED, Metadata.ASCII_STRING_MARSHALLER);

  /** Unary Send, as the Go client calls it; the server needs only the method path, so it lives here. */
  private static final MethodDescriptor<EncryptedMessage, EncryptedMessage> SEND =
      MethodDescriptor.<EncryptedMessage, EncryptedMessage>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SignalHeaders.SERVICE, "Send"))
          .setRequestMarshaller(ProtoUtils.marshaller(EncryptedMessage.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(EncryptedMessage.getDefaultInstance()))
          .build();

  private final ManagedChannel channel;

  public SignalTestClient(String host, int port) {
    this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
  }

  public SignalTestClient(ManagedChannel channel) {
    this.channel = channel;
  }

  public static EncryptedMessage message(String from, String to, String body) {
    return EncryptedMessage.newBuilder()
        .setKey(from)
        .setRemoteKey(to)
        .setBody(ByteString.copyFrom(body, StandardCharsets.UTF_8))
        .build();
  }

  /** Unary Send with a 10 s deadline, as the Go client's first attempt. */
  public EncryptedMessage send(EncryptedMessage message) {
    return ClientCalls.blockingUnaryCall(
        channel, SEND, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), message);
  }

  /** Opens ConnectStream as peer {@code peerKey}. */
  public PeerStream connect(String peerKey) {
    Metadata headers = new Metadata();
    headers.put(PEER_ID, peerKey);
    return connect(headers);
  }

  /** Opens ConnectStream with exactly these request headers. */
  public PeerStream connect(Metadata headers) {
    ClientCall<EncryptedMessage, EncryptedMessage> call =
        channel.newCall(SignalExchangeMethods.CONNECT_STREAM, CallOptions.DEFAULT);
    return PeerStream.start(call, headers);
  }

  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
