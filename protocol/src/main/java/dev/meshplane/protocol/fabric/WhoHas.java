package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * WHO_HAS (0x01): "which pod has this peer?" (relay-fabric.md §3, §6). Payload is exactly the
 * 36-byte peer ID; any other size makes the reference close the stream, so senders must be exact.
 *
 * @param peerId 36-byte raw relay peer ID
 */
public record WhoHas(byte[] peerId) implements FabricMessage {

  static final int PAYLOAD_LENGTH = PEER_ID_LENGTH;

  public WhoHas {
    peerId = Wire.peerId(peerId, "peerId");
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.WHO_HAS, peerId);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 36) */
  public static WhoHas decode(FabricFrame frame) {
    return new WhoHas(Wire.exactPayload(frame, FabricMessageType.WHO_HAS, PAYLOAD_LENGTH));
  }

  @Override
  public byte[] peerId() {
    return peerId.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WhoHas other && Arrays.equals(peerId, other.peerId);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(peerId);
  }

  @Override
  public String toString() {
    return "WhoHas[" + Wire.hex(peerId) + "]";
  }
}
