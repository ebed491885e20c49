package dev.meshplane.protocol.fabric;

import dev.meshplane.protocol.relay.PeerId;
import java.util.Objects;

/**
 * NOT_HERE (0xE0, meshplane extension): "the peer is not connected here". Sent only to remotes
 * that answered a PING (meshplane nodes): in reply to a WHO_HAS for a peer this node does not
 * have, so the asking side can finish its lookup as soon as every node has answered instead of
 * waiting out the full lookup timeout, and in reply to a FWD for a peer that is gone, so the
 * sender drops its stale cache entry at once rather than when it expires. openzro pods never
 * receive it; if one did, it would skip the unknown code.
 *
 * <p>Payload is exactly the 36-byte peer ID, like WHO_HAS.
 *
 * @param peerId the peer that is not connected to the sender
 */
public record NotHere(PeerId peerId) implements FabricMessage {

  static final int PAYLOAD_SIZE = PeerId.SIZE;

  public NotHere {
    Objects.requireNonNull(peerId, "peerId");
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.NOT_HERE, peerId.toBytes());
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 36) */
  public static NotHere decode(FabricFrame frame) {
    return new NotHere(PeerId.readFrom(Wire.exactPayload(frame, FabricMessageType.NOT_HERE, PAYLOAD_SIZE), 0));
  }
}
