package dev.meshplane.protocol.fabric;

import dev.meshplane.protocol.relay.PeerId;
import java.util.Objects;

/**
 * WHO_HAS (0x01): "which node has this peer?", broadcast on every live stream. Payload is exactly
 * the 36-byte peer ID; any other size makes openzro close the stream (relay/server/cluster/
 * messages.go, DecodeWhoHas), so senders must be exact.
 *
 * @param peerId the peer asked for
 */
public record WhoHas(PeerId peerId) implements FabricMessage {

  static final int PAYLOAD_SIZE = PeerId.SIZE;

  public WhoHas {
    Objects.requireNonNull(peerId, "peerId");
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.WHO_HAS, peerId.toBytes());
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 36) */
  public static WhoHas decode(FabricFrame frame) {
    return new WhoHas(PeerId.readFrom(Wire.exactPayload(frame, FabricMessageType.WHO_HAS, PAYLOAD_SIZE), 0));
  }
}
