package dev.meshplane.protocol.fabric;

import dev.meshplane.protocol.relay.PeerId;
import java.util.Objects;

/**
 * PEER_LEFT (0xE1, meshplane extension): "this peer disconnected from me". Broadcast to remotes
 * that answered a PING (meshplane nodes) when a local peer's connection ends, so they drop a
 * cached peer-to-node entry pointing here at once instead of black-holing traffic until the
 * 5-minute TTL. openzro pods never receive it.
 *
 * <p>Payload is exactly the 36-byte peer ID, like WHO_HAS.
 *
 * @param peerId the peer that disconnected from the sender
 */
public record PeerLeft(PeerId peerId) implements FabricMessage {

  static final int PAYLOAD_SIZE = PeerId.SIZE;

  public PeerLeft {
    Objects.requireNonNull(peerId, "peerId");
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.PEER_LEFT, peerId.toBytes());
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 36) */
  public static PeerLeft decode(FabricFrame frame) {
    return new PeerLeft(PeerId.readFrom(Wire.exactPayload(frame, FabricMessageType.PEER_LEFT, PAYLOAD_SIZE), 0));
  }
}
