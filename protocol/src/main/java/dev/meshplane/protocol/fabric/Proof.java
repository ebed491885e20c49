package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * PROOF (0xE3, meshplane extension): the answer to a {@link Challenge}, an HMAC-SHA256 over the
 * challenger's nonce bound to this stream's two ends and the prover's side of it (layout and
 * reasons in {@link StreamProof}). A meshplane node trusts nothing but PING, PONG, CHALLENGE and
 * PROOF from a meshplane remote until its PROOF checks out.
 *
 * <p>Payload is exactly the {@value StreamProof#SIZE}-byte MAC.
 *
 * @param mac {@value StreamProof#SIZE} bytes
 */
public record Proof(byte[] mac) implements FabricMessage {

  static final int PAYLOAD_SIZE = StreamProof.SIZE;

  public Proof {
    if (mac.length != PAYLOAD_SIZE) {
      throw new IllegalArgumentException("proof must be " + PAYLOAD_SIZE + " bytes, got " + mac.length);
    }
    mac = mac.clone();
  }

  @Override
  public byte[] mac() {
    return mac.clone();
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.PROOF, mac);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 32) */
  public static Proof decode(FabricFrame frame) {
    return new Proof(Wire.exactPayload(frame, FabricMessageType.PROOF, PAYLOAD_SIZE));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Proof other && Arrays.equals(mac, other.mac);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(mac);
  }

  @Override
  public String toString() {
    return "Proof[" + mac.length + " bytes]";
  }
}
