package dev.meshplane.protocol.relay;

import dev.meshplane.protocol.relay.RelayProtocolException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A relay peer ID (openzro {@code relay/messages/id.go}): ASCII {@code sha-} followed by the
 * SHA-256 of the peer's WireGuard public key string, 36 bytes in all. IDs are compared as raw
 * bytes; the text form {@code sha-<base64 of the 32 hash bytes>} (48 characters) is for logs only.
 * The inter-node fabric carries the same IDs.
 *
 * <p>Immutable: the bytes are copied in and out, so an ID can be a map key shared across threads.
 */
public final class PeerId {

  /** Fixed size on the wire. */
  public static final int SIZE = 36;

  /** {@code sha-}: bytes 0..3 of every ID the Go client produces. */
  private static final byte[] PREFIX = "sha-".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;
  private final int hash;

  private PeerId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The ID the Go client derives from its public key ({@code HashID(publicKeyString)}). */
  public static PeerId fromPublicKey(String publicKey) {
    byte[] id = new byte[SIZE];
    System.arraycopy(PREFIX, 0, id, 0, PREFIX.length);
    byte[] digest = sha256(publicKey.getBytes(StandardCharsets.UTF_8));
    System.arraycopy(digest, 0, id, PREFIX.length, digest.length);
    return new PeerId(id);
  }

  /**
   * An ID from its 36 raw bytes. The {@code sha-} prefix is not checked: the Go server does not
   * check it either, it only compares whole IDs.
   *
   * @throws RelayProtocolException {@link Reason#BAD_LENGTH} unless exactly 36 bytes
   */
  public static PeerId fromBytes(byte[] raw) {
    if (raw.length != SIZE) {
      throw new RelayProtocolException(Reason.BAD_LENGTH, "peer ID is " + raw.length + " bytes, expected " + SIZE);
    }
    return new PeerId(raw.clone());
  }

  /**
   * The 36 bytes at {@code offset} of {@code source}.
   *
   * @throws RelayProtocolException {@link Reason#TRUNCATED} if fewer than 36 bytes remain
   */
  public static PeerId readFrom(byte[] source, int offset) {
    if (offset < 0 || source.length - offset < SIZE) {
      throw new RelayProtocolException(Reason.TRUNCATED, "peer ID needs " + SIZE + " bytes at offset " + offset);
    }
    return new PeerId(Arrays.copyOfRange(source, offset, offset + SIZE));
  }

  /** Writes the 36 bytes into {@code target} at {@code offset}. */
  public void writeTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, SIZE);
  }

  /** A copy of the 36 raw bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PeerId that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** {@code sha-} + standard padded base64 of bytes 4..35, as the Go server logs it (PeerID.String). */
  @Override
  public String toString() {
    byte[] hashPart = Arrays.copyOfRange(bytes, PREFIX.length, SIZE);
    return "sha-" + Base64.getEncoder().encodeToString(hashPart);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
