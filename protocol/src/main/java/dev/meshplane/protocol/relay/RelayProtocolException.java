package dev.meshplane.protocol.relay;

import java.util.Locale;

/**
 * The one exception relay decoding and token validation throw, carrying a {@link Reason} so
 * callers never match on message text. A server closes the connection or drops the message
 * depending on where the bad bytes arrived; the reason is what it logs and counts.
 *
 * <p>Unchecked, like {@code FabricProtocolException}: decoding runs inside stream stages and
 * lambdas where a checked exception only gets wrapped, and the reason, not the type, is what
 * callers branch on. No stack trace is captured: bad input is expected traffic, not a bug, and it
 * must be cheap to reject.
 */
public final class RelayProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What was wrong with the input. {@link #label()} is the value used in logs and metric labels. */
  public enum Reason {
    /** Zero-length message; the Go server closes the connection on it. */
    EMPTY,
    /** Shorter than the fixed part of its layout. */
    TRUNCATED,
    /** Longer than the limit for its phase or type ({@link RelayProtocolLimits}). */
    OVERSIZE,
    /** Version byte other than 0x01 (openzro {@code relay/messages/message.go}, ValidateVersion). */
    BAD_VERSION,
    /** Type byte outside the registry, or 0 ("unknown", never valid on the wire). */
    UNKNOWN_TYPE,
    /** A registered type that is not valid in this place, e.g. Transport as the first message. */
    UNEXPECTED_TYPE,
    /** Hello or Auth whose bytes 2..5 are not 21 12 A4 42. */
    BAD_MAGIC,
    /** A length that no valid message has: trailing bytes, or a peer list not a multiple of 36. */
    BAD_LENGTH,
    /** AuthResponse with no instance URL; the Go client rejects it (UnmarshalAuthResponse). */
    EMPTY_URL,
    /** The deprecated Hello handshake; it needs Go gob and is dead in openzro too. */
    LEGACY_HELLO_UNSUPPORTED,
    /** Auth carried no token bytes. */
    TOKEN_EMPTY,
    /** Token shorter than algorithm byte + signature. */
    TOKEN_TRUNCATED,
    /** Token payload under 10 bytes. */
    TOKEN_PAYLOAD_TOO_SHORT,
    /** Algorithm byte other than 1 = HMAC-SHA256. */
    TOKEN_UNSUPPORTED_ALGORITHM,
    /** HMAC does not match: wrong secret or altered payload. */
    TOKEN_BAD_SIGNATURE,
    /** Payload is not a base-10 signed 64-bit integer. */
    TOKEN_MALFORMED_EXPIRY,
    /** now is after the expiry second. */
    TOKEN_EXPIRED,
    /**
     * Expiry further ahead than the relay's maximum token lifetime: meshplane's own check, openzro
     * accepts any future expiry.
     */
    TOKEN_LIFETIME_TOO_LONG;

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
