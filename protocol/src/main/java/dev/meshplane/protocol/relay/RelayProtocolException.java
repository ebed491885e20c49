package dev.meshplane.protocol.relay;

import java.util.Locale;

/**
 * The one exception relay decoding and token validation throw. It is checked on purpose: every
 * caller that reads bytes from a peer has to decide what a bad message costs (close the connection
 * or drop the message) instead of letting it escape. No stack trace is captured: bad input is
 * expected traffic, not a bug, and it must be cheap to reject.
 */
public final class RelayProtocolException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What was wrong with the input. {@link #label()} is the value used in logs and metric labels. */
  public enum Reason {
    /** Zero-length message; the Go server closes the connection on it (§6.5). */
    EMPTY,
    /** Shorter than the fixed part of its layout. */
    TRUNCATED,
    /** Longer than the limit for its phase or type (§6.5). */
    OVERSIZE,
    /** Version byte other than 0x01 (§2). */
    BAD_VERSION,
    /** Type byte outside the registry, or 0 ("unknown", never valid on the wire) (§2). */
    UNKNOWN_TYPE,
    /** A registered type that is not valid in this place, e.g. Transport as the first message (§2). */
    UNEXPECTED_TYPE,
    /** Hello or Auth whose bytes 2..5 are not 21 12 A4 42 (§4.2). */
    BAD_MAGIC,
    /** A length that no valid message has: trailing bytes, or a peer list not a multiple of 36 (§6.3, §6.4). */
    BAD_LENGTH,
    /** AuthResponse with no instance URL; the Go client rejects it (§4.3). */
    EMPTY_URL,
    /** The deprecated Hello handshake (§4.4); it needs Go gob and is dead in openzro too. */
    LEGACY_HELLO_UNSUPPORTED,
    /** Auth carried no token bytes (§5.1 step 1). */
    TOKEN_EMPTY,
    /** Token shorter than algorithm byte + signature (§5.1 step 1). */
    TOKEN_TRUNCATED,
    /** Token payload under 10 bytes (§5.1 step 2). */
    TOKEN_PAYLOAD_TOO_SHORT,
    /** Algorithm byte other than 1 = HMAC-SHA256 (§5.1 step 3). */
    TOKEN_UNSUPPORTED_ALGORITHM,
    /** HMAC does not match: wrong secret or altered payload (§5.1 step 4). */
    TOKEN_BAD_SIGNATURE,
    /** Payload is not a base-10 signed 64-bit integer (§5.1 step 5). */
    TOKEN_MALFORMED_EXPIRY,
    /** now is after the expiry second (§5.1 step 6). */
    TOKEN_EXPIRED;

    /** Lower-case snake-case name, stable for metric labels. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public RelayProtocolException(Reason reason, String detail) {
    super(reason.label() + ": " + detail, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
