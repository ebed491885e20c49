package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * I_HAVE (0x02): "the peer is connected to me" (relay-fabric.md §3, §6.2-6.3). Payload is the
 * 36-byte peer ID then a uint32 seqno, exactly 40 bytes.
 *
 * <p>The seqno comes from the answering pod's own counter (first value 1, wraps at 2^32); the
 * asker keeps the answer with the strictly greater seqno. It is held in a {@code long} so that
 * comparison is the unsigned comparison the reference does.
 *
 * @param peerId 36-byte raw relay peer ID
 * @param seqno  0 to 2^32-1
 */
public record IHave(byte[] peerId, long seqno) implements FabricMessage {

  static final int PAYLOAD_LENGTH = PEER_ID_LENGTH + 4;

  public IHave {
    peerId = Wire.peerId(peerId, "peerId");
    Wire.uint32(seqno, "seqno");
  }

  public FabricFrame encode() {
    byte[] payload = new byte[PAYLOAD_LENGTH];
    System.arraycopy(peerId, 0, payload, 0, PEER_ID_LENGTH);
    Wire.putUint32(payload, PEER_ID_LENGTH, seqno);
    return FabricFrame.of(FabricMessageType.I_HAVE, payload);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 40) */
  public static IHave decode(FabricFrame frame) {
    byte[] payload = Wire.exactPayload(frame, FabricMessageType.I_HAVE, PAYLOAD_LENGTH);
    return new IHave(Arrays.copyOf(payload, PEER_ID_LENGTH), Wire.getUint32(payload, PEER_ID_LENGTH));
  }

  @Override
  public byte[] peerId() {
    return peerId.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IHave other && seqno == other.seqno && Arrays.equals(peerId, other.peerId);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(peerId) + Long.hashCode(seqno);
  }

  @Override
  public String toString() {
    return "IHave[" + Wire.hex(peerId) + ", seqno=" + seqno + "]";
  }
}
