package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * PEER_LEFT (0xE1, meshplane extension): "this peer disconnected from me". Broadcast to remotes
 * that answered a PING (meshplane nodes) when a local peer's connection ends, so they drop a
 * cached peer-to-node entry pointing here at once instead of black-holing traffic until the
 * 5-minute TTL (relay-fabric.md §6.4). openzro pods never receive it.
 *
 * <p>Payload is exactly the 36-byte peer ID, like WHO_HAS.
 *
 * @param peerId 36-byte raw relay peer ID
 */
public record PeerLeft(byte[] peerId) implements FabricMessage {

  static final int PAYLOAD_LENGTH = PEER_ID_LENGTH;

  public PeerLeft {
    peerId = Wire.peerId(peerId, "peerId");
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.PEER_LEFT, peerId);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 36) */
  public static PeerLeft decode(FabricFrame frame) {
    return new PeerLeft(Wire.exactPayload(frame, FabricMessageType.PEER_LEFT, PAYLOAD_LENGTH));
  }

  @Override
  public byte[] peerId() {
    return peerId.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerLeft other && Arrays.equals(peerId, other.peerId);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(peerId);
  }

  @Override
  public String toString() {
    return "PeerLeft[" + Wire.hex(peerId) + "]";
  }
}
