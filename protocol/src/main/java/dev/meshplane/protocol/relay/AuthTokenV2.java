package dev.meshplane.protocol.relay;

import dev.meshplane.protocol.relay.RelayProtocolException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Generator and validator of the v2 relay auth token carried in Auth (openzro
 * {@code relay/auth/hmac/v2}: token.go, generator.go, validator.go).
 *
 * <pre>
 * +-----------+---------------------------+--------------------------------------+
 * | algorithm | signature (32 for algo 1) | payload: ASCII decimal expiry, unix s |
 * +-----------+---------------------------+--------------------------------------+
 *   signature = HMAC-SHA256(key = SHA-256(secret), payload)
 * </pre>
 *
 * Thread-safe: a fresh {@link Mac} is created per call (tokens are checked once per handshake, so
 * the cost is irrelevant next to the WebSocket upgrade).
 *
 * <p>openzro's validator accepts any expiry in the future, so a token signed once for year 10¹⁰
 * (by whoever held the secret for a moment) opens the relay forever. A validator made with {@link
 * #withMaxLifetime} also refuses tokens that expire further ahead than management would ever issue
 * them; without it, the Go validator's rules apply unchanged.
 */
public final class AuthTokenV2 {

  /** Algorithm byte for HMAC-SHA256, the only one with a hash function (algo.go). */
  public static final int ALGORITHM_HMAC_SHA256 = 1;

  /** HMAC-SHA256 output size. */
  public static final int SIGNATURE_SIZE = 32;

  /** Payloads shorter than this are rejected before the signature is checked (minLengthUnixTimestamp). */
  public static final int MIN_PAYLOAD_SIZE = 10;

  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;
  /** Longest accepted distance from now to the expiry; {@link Long#MAX_VALUE} means no limit. */
  private final long maxLifetimeSeconds;

  private AuthTokenV2(SecretKeySpec key, long maxLifetimeSeconds) {
    this.key = key;
    this.maxLifetimeSeconds = maxLifetimeSeconds;
  }

  /** Tokens signed and checked with this key; any expiry in the future is accepted, as openzro does. */
  public static AuthTokenV2 withSecret(RelayAuthSecret secret) {
    return new AuthTokenV2(new SecretKeySpec(secret.hmacKey(), HMAC), Long.MAX_VALUE);
  }

  /**
   * The same key, refusing ({@link Reason#TOKEN_LIFETIME_TOO_LONG}) tokens whose expiry lies more
   * than {@code maxLifetime} (whole seconds) after the time they are checked.
   */
  public AuthTokenV2 withMaxLifetime(Duration maxLifetime) {
    if (maxLifetime.isNegative()) {
      throw new IllegalArgumentException("negative maximum token lifetime " + maxLifetime);
    }
    return new AuthTokenV2(key, maxLifetime.getSeconds());
  }

  /** A token valid until and including {@code expiryUnixSeconds}, as management issues it. */
  public byte[] generate(long expiryUnixSeconds) {
    byte[] payload = Long.toString(expiryUnixSeconds).getBytes(StandardCharsets.US_ASCII);
    return assemble(hmac(payload), payload);
  }

  /**
   * Checks a token in the order of the Go validator (validator.go, Validate), so the reason
   * matches what openzro would have failed on, then the maximum lifetime if one is set. Returns
   * the expiry on success.
   *
   * @throws RelayProtocolException one of the {@code TOKEN_*} reasons
   */
  public long validate(byte[] token, long nowUnixSeconds) {
    if (token.length == 0) {
      throw new RelayProtocolException(Reason.TOKEN_EMPTY, "no token");
    }
    int algorithm = token[0] & 0xff;
    int signatureSize = algorithm == ALGORITHM_HMAC_SHA256 ? SIGNATURE_SIZE : 0;
    if (token.length < 1 + signatureSize) {
      throw new RelayProtocolException(Reason.TOKEN_TRUNCATED,
          "token of " + token.length + " bytes, needs " + (1 + signatureSize));
    }
    byte[] payload = Arrays.copyOfRange(token, 1 + signatureSize, token.length);
    if (payload.length < MIN_PAYLOAD_SIZE) {
      throw new RelayProtocolException(Reason.TOKEN_PAYLOAD_TOO_SHORT,
          "payload of " + payload.length + " bytes, minimum " + MIN_PAYLOAD_SIZE);
    }
    if (algorithm != ALGORITHM_HMAC_SHA256) {
      throw new RelayProtocolException(Reason.TOKEN_UNSUPPORTED_ALGORITHM, "algorithm " + algorithm);
    }
    byte[] signature = Arrays.copyOfRange(token, 1, 1 + signatureSize);
    if (!MessageDigest.isEqual(hmac(payload), signature)) {
      throw new RelayProtocolException(Reason.TOKEN_BAD_SIGNATURE, "HMAC mismatch");
    }
    long expiry = parseExpiry(payload);
    if (nowUnixSeconds > expiry) {
      throw new RelayProtocolException(Reason.TOKEN_EXPIRED,
          "expired at " + expiry + ", now " + nowUnixSeconds);
    }
    // expiry >= now here, so a negative distance can only be an overflow: further than any limit.
    long ahead = expiry - nowUnixSeconds;
    if (ahead < 0 || ahead > maxLifetimeSeconds) {
      throw new RelayProtocolException(Reason.TOKEN_LIFETIME_TOO_LONG,
          "expires at " + expiry + ", more than " + maxLifetimeSeconds + " s after now (" + nowUnixSeconds + ")");
    }
    return expiry;
  }

  private byte[] hmac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(payload);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // HmacSHA256 is mandatory on every Java platform and any non-empty key is valid for it.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] assemble(byte[] signature, byte[] payload) {
    byte[] token = new byte[1 + signature.length + payload.length];
    token[0] = ALGORITHM_HMAC_SHA256;
    System.arraycopy(signature, 0, token, 1, signature.length);
    System.arraycopy(payload, 0, token, 1 + signature.length, payload.length);
    return token;
  }

  /**
   * Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, ASCII digits only, no whitespace, no
   * overflow. Written out because {@link Long#parseLong} also accepts non-ASCII digits.
   */
  private static long parseExpiry(byte[] payload) {
    int i = 0;
    boolean negative = false;
    if (payload[0] == '+' || payload[0] == '-') {
      negative = payload[0] == '-';
      i = 1;
    }
    long value = 0;
    for (; i < payload.length; i++) {
      int digit = payload[i] - '0';
      if (digit < 0 || digit > 9) {
        throw new RelayProtocolException(Reason.TOKEN_MALFORMED_EXPIRY, "payload is not a decimal integer");
      }
      // Accumulate negatively so that Long.MIN_VALUE parses like in Go.
      if (value < (Long.MIN_VALUE + digit) / 10) {
        throw new RelayProtocolException(Reason.TOKEN_MALFORMED_EXPIRY, "payload overflows int64");
      }
      value = value * 10 - digit;
    }
    if (negative) {
      return value;
    }
    if (value == Long.MIN_VALUE) {
      throw new RelayProtocolException(Reason.TOKEN_MALFORMED_EXPIRY, "payload overflows int64");
    }
    return -value;
  }
}
