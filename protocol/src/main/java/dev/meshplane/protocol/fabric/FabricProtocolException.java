package dev.meshplane.protocol.fabric;

import java.util.Optional;

/**
 * The one exception this package throws for bad input, carrying a {@link Reason} so callers never
 * match on message text. A framing error or a rejected HELLO closes the stream (relay-fabric.md §3,
 * §4.2); callers decide what else to do from the reason.
 *
 * <p>Unchecked because decoding runs inside stream stages and lambdas where checked exceptions only
 * get wrapped; the reason, not the type, is what callers branch on.
 */
public final class FabricProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a frame or payload was refused. */
  public enum Reason {
    /** The stream ended after 1 or 2 of the 3 header bytes (§2). */
    TRUNCATED_HEADER(HelloRejectReason.TIMEOUT),
    /** The stream ended inside a payload (§2). */
    TRUNCATED_PAYLOAD(HelloRejectReason.TIMEOUT),
    /** A buffer said to hold exactly one frame holds more bytes than its header announces. */
    TRAILING_BYTES(null),
    /** Encode side: payload longer than 65535 bytes (§2). */
    PAYLOAD_TOO_LARGE(null),
    /** A message codec was handed a frame of a different type. */
    WRONG_FRAME_TYPE(null),
    /** Payload size differs from the type's fixed size, or is below its minimum (§3). */
    BAD_PAYLOAD_LENGTH(null),
    /** Encode side: HELLO announce address longer than 255 UTF-8 bytes (§4.1). */
    ADDRESS_TOO_LONG(null),

    /** §4.2 check 0b. */
    FIRST_FRAME_NOT_HELLO(HelloRejectReason.FIRST_FRAME_NOT_HELLO),
    /** §4.2 check 1: payload shorter than 11 bytes. */
    HELLO_TOO_SHORT(HelloRejectReason.MALFORMED),
    /** §4.2 check 2: version byte is not 2. */
    HELLO_BAD_VERSION(HelloRejectReason.MALFORMED),
    /** §4.2 check 3: payload too short for the announced address, timestamp and hmac_len. */
    HELLO_TRUNCATED_ADDRESS(HelloRejectReason.MALFORMED),
    /** §4.2 check 4: timestamp outside the ±5 min replay window. */
    HELLO_STALE_TIMESTAMP(HelloRejectReason.STALE_TIMESTAMP),
    /** §4.2 check 5: payload too short for the announced MAC. */
    HELLO_TRUNCATED_MAC(HelloRejectReason.MALFORMED),
    /** §4.2 check 6a: we have a secret, the sender did not sign. */
    HELLO_UNSIGNED_BUT_REQUIRED(HelloRejectReason.UNSIGNED_BUT_REQUIRED),
    /** §4.2 check 6b: we have a secret, hmac_len is neither 0 nor 32. */
    HELLO_BAD_MAC_LENGTH(HelloRejectReason.MALFORMED),
    /** §4.2 check 6c: MAC does not match our secret. */
    HELLO_MAC_MISMATCH(HelloRejectReason.HMAC_MISMATCH),
    /** §4.2 check 6d: we have no secret, the sender signed (asymmetric configuration). */
    HELLO_SIGNED_BUT_UNSUPPORTED(HelloRejectReason.SIGNED_BUT_UNSUPPORTED);

    private final HelloRejectReason helloRejectReason;

    Reason(HelloRejectReason helloRejectReason) {
      this.helloRejectReason = helloRejectReason;
    }

    /**
     * The {@code relay_cluster_hello_rejects_total} label to count when this error ends an
     * inbound handshake. Truncated frames map to {@code timeout} because §4.2 row 0 files every
     * read error of the first frame under that label. Empty for reasons that cannot occur while
     * reading a HELLO.
     */
    public Optional<HelloRejectReason> helloRejectReason() {
      return Optional.ofNullable(helloRejectReason);
    }
  }

  private final Reason reason;

  public FabricProtocolException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** Shortcut for {@code reason().helloRejectReason()}. */
  public Optional<HelloRejectReason> helloRejectReason() {
    return reason.helloRejectReason();
  }
}
