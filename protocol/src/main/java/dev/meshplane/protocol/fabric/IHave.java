package dev.meshplane.protocol.fabric;

import dev.meshplane.protocol.relay.PeerId;
import java.util.Objects;

/**
 * I_HAVE (0x02): "the peer is connected to me", the answer to WHO_HAS. Payload is the 36-byte peer
 * ID then a uint32 seqno, exactly 40 bytes (openzro relay/server/cluster/messages.go, EncodeIHave).
 *
 * <p>The seqno comes from the answering node's own counter (first value 1, wraps at 2^32); the
 * asker keeps the answer with the strictly greater seqno (openzro relay/server/cluster/locator.go,
 * HandleIHave). It is held in a {@code long} so that comparison is the unsigned comparison openzro
 * does.
 *
 * @param peerId the peer that is connected to the sender
 * @param seqno  0 to 2^32-1
 */
public record IHave(PeerId peerId, long seqno) implements FabricMessage {

  static final int PAYLOAD_SIZE = PeerId.SIZE + 4;

  public IHave {
    Objects.requireNonNull(peerId, "peerId");
    Wire.uint32(seqno, "seqno");
  }

  public FabricFrame encode() {
    byte[] payload = new byte[PAYLOAD_SIZE];
    peerId.writeTo(payload, 0);
    Wire.putUint32(payload, PeerId.SIZE, seqno);
    return FabricFrame.of(FabricMessageType.I_HAVE, payload);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 40) */
  public static IHave decode(FabricFrame frame) {
    byte[] payload = Wire.exactPayload(frame, FabricMessageType.I_HAVE, PAYLOAD_SIZE);
    return new IHave(PeerId.readFrom(payload, 0), Wire.getUint32(payload, PeerId.SIZE));
  }
}
