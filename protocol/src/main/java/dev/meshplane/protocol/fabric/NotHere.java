package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * NOT_HERE (0xE0, meshplane extension): "the peer is not connected here". Sent only to remotes
 * that answered a PING (meshplane nodes), in reply to a WHO_HAS for a peer this node does not
 * have, so the asking side can finish its lookup as soon as every node has answered instead of
 * waiting out the full lookup timeout (relay-fabric.md §6.1 step 4), and in reply to a FWD for a
 * peer that is gone, so the sender drops its stale cache entry (§6.4). openzro pods never receive
 * it; if one did, it would skip the unknown code (§3).
 *
 * <p>Payload is exactly the 36-byte peer ID, like WHO_HAS.
 *
 * @param peerId 36-byte raw relay peer ID
 */
public record NotHere(byte[] peerId) implements FabricMessage {

  static final int PAYLOAD_LENGTH = PEER_ID_LENGTH;

  public NotHere {
    peerId = Wire.peerId(peerId, "peerId");
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.NOT_HERE, peerId);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 36) */
  public static NotHere decode(FabricFrame frame) {
    return new NotHere(Wire.exactPayload(frame, FabricMessageType.NOT_HERE, PAYLOAD_LENGTH));
  }

  @Override
  public byte[] peerId() {
    return peerId.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotHere other && Arrays.equals(peerId, other.peerId);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(peerId);
  }

  @Override
  public String toString() {
    return "NotHere[" + Wire.hex(peerId) + "]";
  }
}
