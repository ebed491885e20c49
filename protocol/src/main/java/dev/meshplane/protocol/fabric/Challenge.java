package dev.meshplane.protocol.fabric;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * CHALLENGE (0xE2, meshplane extension): "prove that you hold the fabric secret", carrying a fresh
 * random nonce that the answering {@link Proof} must cover (see {@link StreamProof}). Sent once per
 * stream, only to a remote that has shown itself as a meshplane node by a PING or PONG; openzro
 * pods never send either, so they never receive it.
 *
 * <p>Payload is exactly the {@value StreamProof#NONCE_SIZE}-byte nonce.
 *
 * @param nonce {@value StreamProof#NONCE_SIZE} random bytes chosen by the sender
 */
public record Challenge(byte[] nonce) implements FabricMessage {

  static final int PAYLOAD_SIZE = StreamProof.NONCE_SIZE;

  public Challenge {
    if (nonce.length != PAYLOAD_SIZE) {
      throw new IllegalArgumentException("nonce must be " + PAYLOAD_SIZE + " bytes, got " + nonce.length);
    }
    nonce = nonce.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.CHALLENGE, nonce);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 32) */
  public static Challenge decode(FabricFrame frame) {
    return new Challenge(Wire.exactPayload(frame, FabricMessageType.CHALLENGE, PAYLOAD_SIZE));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Challenge other && Arrays.equals(nonce, other.nonce);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(nonce);
  }

  @Override
  public String toString() {
    return "Challenge[" + HexFormat.of().formatHex(nonce) + "]";
  }
}
