package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * FWD (0x14): one relay message for a peer connected to the receiving pod; the whole data plane
 * of the fabric (relay-fabric.md §7). Payload is the destination peer ID (36) then the relay
 * message, at least 36 bytes.
 *
 * <p>The destination travels explicitly because by the time a message is forwarded the sending
 * pod has already rewritten the message's peer-ID slot to the <em>source</em> (§7.1). The
 * receiving pod writes {@link #message()} unchanged to the destination's connection.
 *
 * @param destination 36-byte raw relay peer ID of the receiving peer
 * @param message     complete relay message, header included; may be empty on the wire
 */
public record Fwd(byte[] destination, byte[] message) implements FabricMessage {

  static final int MIN_PAYLOAD_LENGTH = PEER_ID_LENGTH;

  /** Largest relay message that fits in one frame next to the destination ID (§2). */
  public static final int MAX_MESSAGE_LENGTH = FabricFrameCodec.MAX_PAYLOAD_LENGTH - PEER_ID_LENGTH;

  public Fwd {
    destination = Wire.peerId(destination, "destination");
    message = message.clone();
  }

  /**
   * Offset of the relay message in a whole FWD frame (3-byte frame header, then the destination):
   * a receiver on the data path may read the message in place instead of decoding a copy.
   */
  public static final int MESSAGE_OFFSET = FabricFrameCodec.HEADER_LENGTH + PEER_ID_LENGTH;

  /**
   * The first {@link #MESSAGE_OFFSET} bytes of the FWD frame for {@code destination} and a
   * message of {@code messageLength} bytes: frame header then destination. Followed by the
   * message they are the whole frame. This is FWD's encoder: the data path sends these bytes and
   * then the message as it is, so a packet is never copied into a frame.
   *
   * @throws FabricProtocolException {@code PAYLOAD_TOO_LARGE} if the message exceeds {@link #MAX_MESSAGE_LENGTH}
   */
  public static byte[] frameHeader(byte[] destination, int messageLength) {
    byte[] id = Wire.peerId(destination, "destination");
    if (messageLength < 0 || messageLength > MAX_MESSAGE_LENGTH) {
      throw new FabricProtocolException(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE,
          "FWD message is " + messageLength + " bytes, max " + MAX_MESSAGE_LENGTH);
    }
    int payloadLength = PEER_ID_LENGTH + messageLength;
    byte[] header = new byte[MESSAGE_OFFSET];
    header[0] = (byte) FabricMessageType.FWD.code();
    header[1] = (byte) (payloadLength >>> 8);
    header[2] = (byte) payloadLength;
    System.arraycopy(id, 0, header, FabricFrameCodec.HEADER_LENGTH, PEER_ID_LENGTH);
    return header;
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (&lt; 36) */
  public static Fwd decode(FabricFrame frame) {
    byte[] payload = Wire.minPayload(frame, FabricMessageType.FWD, MIN_PAYLOAD_LENGTH);
    return new Fwd(Arrays.copyOf(payload, PEER_ID_LENGTH),
        Arrays.copyOfRange(payload, PEER_ID_LENGTH, payload.length));
  }

  @Override
  public byte[] destination() {
    return destination.clone();
  }

  @Override
  public byte[] message() {
    return message.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fwd other
        && Arrays.equals(destination, other.destination)
        && Arrays.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(destination) + Arrays.hashCode(message);
  }

  @Override
  public String toString() {
    return "Fwd[" + Wire.hex(destination) + ", " + message.length + " bytes]";
  }
}
