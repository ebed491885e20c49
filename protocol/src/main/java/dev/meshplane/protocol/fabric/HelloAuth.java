package dev.meshplane.protocol.fabric;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two security checks of HELLO v2 (openzro relay/server/cluster/messages.go, DecodeHello):
 * HMAC-SHA256 with a constant-time comparison, and the replay window. openzro's Helm chart
 * (openzro/helms, charts/openzro) admits the fabric port to its NetworkPolicy from any source, so
 * these checks are the only gate in front of the fabric.
 */
public final class HelloAuth {

  /** HMAC-SHA256 output size, the only non-zero hmac_len accepted (openzro's helloHMACSize). */
  public static final int MAC_SIZE = 32;

  /**
   * Maximum clock difference either way between a HELLO's timestamp and the receiver's clock,
   * inclusive (openzro's helloReplayWindow). There is no nonce, so this bounds how long a captured
   * HELLO can be replayed; a meshplane node also refuses a HELLO it accepted before within the
   * window, and between meshplane nodes a {@link StreamProof} is what counts.
   */
  public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);

  private static final String HMAC_ALGORITHM = "HmacSHA256";

  private HelloAuth() {}

  /**
   * HMAC-SHA256 of {@code message[offset, offset+length)}. The key is the configured secret's
   * UTF-8 bytes used as-is, not hashed (openzro relay/server/clusterboot.go, StartCluster; unlike
   * the relay's --auth-secret), and must not be empty.
   */
  public static byte[] hmacSha256(byte[] key, byte[] message, int offset, int length) {
    try {
      Mac mac = Mac.getInstance(HMAC_ALGORITHM);
      mac.init(new SecretKeySpec(key, HMAC_ALGORITHM));
      mac.update(message, offset, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory on every Java platform, so this is a broken runtime.
      throw new IllegalStateException(HMAC_ALGORITHM + " unavailable", e);
    }
  }

  /**
   * Compares two MACs in time that does not depend on where they first differ, so a remote
   * cannot learn a valid MAC byte by byte from response timing.
   */
  public static boolean macEquals(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  /**
   * True when {@code unixSeconds} is within {@link #REPLAY_WINDOW} of {@code now}, both bounds
   * inclusive. {@code now} keeps its sub-second part, as in openzro, so a timestamp exactly
   * 300 s old is accepted but one observed 300 s and 1 ns later is not.
   *
   * <p>The wire field is a uint64; values above {@link Long#MAX_VALUE} arrive here negative,
   * i.e. far in the past, and are rejected like any other out-of-window value.
   */
  public static boolean withinReplayWindow(long unixSeconds, Instant now) {
    if (unixSeconds < Instant.MIN.getEpochSecond() || unixSeconds > Instant.MAX.getEpochSecond()) {
      return false;
    }
    Duration age = Duration.between(Instant.ofEpochSecond(unixSeconds), now);
    return age.abs().compareTo(REPLAY_WINDOW) <= 0;
  }

  public static boolean withinReplayWindow(long unixSeconds, Clock clock) {
    return withinReplayWindow(unixSeconds, clock.instant());
  }
}
