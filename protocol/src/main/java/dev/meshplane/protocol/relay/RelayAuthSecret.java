package dev.meshplane.protocol.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The HMAC key relay tokens are signed with. openzro never uses the configured relay secret
 * ({@code --auth-secret}, {@code OZ_AUTH_SECRET}, management's {@code Relay.Secret}) directly: the
 * key is SHA-256 of its UTF-8 bytes (openzro relay/cmd/root.go, execute). {@link #fromSecret}
 * applies that treatment exactly once, so no caller can hash twice or forget to hash.
 */
public final class RelayAuthSecret {

  private final byte[] hmacKey;

  RelayAuthSecret(byte[] hmacKey) {
    this.hmacKey = hmacKey;
  }

  /** The key openzro derives from a configured secret string: SHA-256(UTF-8(secret)). */
  public static RelayAuthSecret fromSecret(String secret) {
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("relay auth secret is empty");
    }
    try {
      byte[] key = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return new RelayAuthSecret(key);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** The derived HMAC key bytes (a copy). */
  byte[] hmacKey() {
    return hmacKey.clone();
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "RelayAuthSecret[redacted]";
  }
}
