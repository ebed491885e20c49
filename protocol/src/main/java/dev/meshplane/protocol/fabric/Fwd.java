package dev.meshplane.protocol.fabric;

import dev.meshplane.protocol.relay.PeerId;
import java.util.Arrays;
import java.util.Objects;

/**
 * FWD (0x14): one relay message for a peer connected to the receiving node; the whole data plane
 * of the fabric. Payload is the destination peer ID (36) then the relay message, at least 36 bytes
 * (openzro relay/server/cluster/forwarder.go, Forward and HandleFwd).
 *
 * <p>The destination travels explicitly because by the time a message is forwarded the sending
 * node has already rewritten the message's peer-ID slot to the <em>source</em>. The receiving
 * node writes {@link #message()} unchanged to the destination's connection.
 *
 * <p>The data path never builds this record: it writes {@link #frameHeader} followed by the
 * message, and reads a received frame in place from {@link #MESSAGE_OFFSET}, so a packet is never
 * copied into or out of a frame. The record is what {@link FabricMessage#decodeAfterHello} yields.
 *
 * @param destination the receiving peer
 * @param message     complete relay message, header included; may be empty on the wire
 */
public record Fwd(PeerId destination, byte[] message) implements FabricMessage {

  static final int MIN_PAYLOAD_SIZE = PeerId.SIZE;

  /** Largest relay message that fits in one frame next to the destination ID. */
  public static final int MAX_MESSAGE_SIZE = FabricProtocolLimits.MAX_PAYLOAD_SIZE - PeerId.SIZE;

  /** Offset of the relay message in a whole FWD frame: the 3-byte frame header, then the destination. */
  public static final int MESSAGE_OFFSET = FabricProtocolLimits.HEADER_SIZE + PeerId.SIZE;

  public Fwd {
    Objects.requireNonNull(destination, "destination");
    message = message.clone();
  }

  /**
   * The first {@link #MESSAGE_OFFSET} bytes of the FWD frame for {@code destination} and a
   * message of {@code messageLength} bytes: frame header then destination. Followed by the
   * message they are the whole frame. This is FWD's encoder: the data path sends these bytes and
   * then the message as it is, so a packet is never copied into a frame.
   *
   * @throws FabricProtocolException {@code PAYLOAD_TOO_LARGE} if the message exceeds {@link #MAX_MESSAGE_SIZE}
   */
  public static byte[] frameHeader(PeerId destination, int messageLength) {
    if (messageLength < 0 || messageLength > MAX_MESSAGE_SIZE) {
      throw new FabricProtocolException(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE,
          "FWD message is " + messageLength + " bytes, max " + MAX_MESSAGE_SIZE);
    }
    int payloadLength = PeerId.SIZE + messageLength;
    byte[] header = new byte[MESSAGE_OFFSET];
    header[0] = (byte) FabricMessageType.FWD.code();
    header[1] = (byte) (payloadLength >>> 8);
    header[2] = (byte) payloadLength;
    destination.writeTo(header, FabricProtocolLimits.HEADER_SIZE);
    return header;
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (&lt; 36) */
  public static Fwd decode(FabricFrame frame) {
    byte[] payload = Wire.minPayload(frame, FabricMessageType.FWD, MIN_PAYLOAD_SIZE);
    return new Fwd(PeerId.readFrom(payload, 0), Arrays.copyOfRange(payload, PeerId.SIZE, payload.length));
  }

  @Override
  public byte[] message() {
    return message.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fwd other && destination.equals(other.destination) && Arrays.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return 31 * destination.hashCode() + Arrays.hashCode(message);
  }

  @Override
  public String toString() {
    return "Fwd[" + destination + ", " + message.length + " bytes]";
  }
}
