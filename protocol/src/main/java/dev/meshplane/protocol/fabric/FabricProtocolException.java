package dev.meshplane.protocol.fabric;

import java.util.Locale;
import java.util.Optional;

/**
 * The one exception this package throws for bad input, carrying a {@link Reason} so callers never
 * match on message text (openzro's {@code classifyHelloReject} in
 * {@code relay/server/cluster/transport.go} matches on error strings; a reason enum replaces that).
 * A rejected HELLO closes the connection without a reply; callers decide what else to do from the
 * reason.
 *
 * <p>Unchecked, like {@code RelayProtocolException}: decoding runs inside stream stages and lambdas
 * where a checked exception only gets wrapped, and the reason, not the type, is what callers
 * branch on. No stack trace is captured: bad input is expected traffic, not a bug, and it must be
 * cheap to reject.
 */
public final class FabricProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Why a frame or payload was refused. {@link #label()} is the value used in logs; {@link
   * #helloRejectReason()} the metric label when the refusal ends an inbound handshake.
   */
  public enum Reason {
    /** The bytes end after 1 or 2 of the 3 header bytes (openzro's ErrShortHeader). */
    TRUNCATED_HEADER(HelloRejectReason.TIMEOUT),
    /** The bytes end inside a payload (openzro's ErrShortPayload). */
    TRUNCATED_PAYLOAD(HelloRejectReason.TIMEOUT),
    /** A buffer said to hold exactly one frame holds more bytes than its header announces. */
    TRAILING_BYTES(null),
    /** Encode side: payload longer than 65535 bytes, which the uint16 length cannot describe. */
    PAYLOAD_TOO_LARGE(null),
    /** A message codec was handed a frame of a different type. */
    WRONG_FRAME_TYPE(null),
    /** Payload size differs from the type's fixed size, or is below its minimum. */
    BAD_PAYLOAD_LENGTH(null),
    /** Encode side: HELLO announce address longer than 255 UTF-8 bytes. */
    ADDRESS_TOO_LONG(null),

    // The HELLO checks, in the order openzro runs them (relay/server/cluster/transport.go,
    // handleAccepted, then relay/server/cluster/messages.go, DecodeHello); HelloV2.decode keeps it.

    /** The first frame of an accepted stream is not a HELLO. */
    FIRST_FRAME_NOT_HELLO(HelloRejectReason.FIRST_FRAME_NOT_HELLO),
    /** Payload shorter than 11 bytes, the size of an unsigned HELLO with an empty address. */
    HELLO_TOO_SHORT(HelloRejectReason.MALFORMED),
    /** Version byte is not 2. */
    HELLO_BAD_VERSION(HelloRejectReason.MALFORMED),
    /** Payload too short for the announced address, timestamp and hmac_len. */
    HELLO_TRUNCATED_ADDRESS(HelloRejectReason.MALFORMED),
    /** Timestamp outside the ±5 min replay window. */
    HELLO_STALE_TIMESTAMP(HelloRejectReason.STALE_TIMESTAMP),
    /** Payload too short for the announced MAC. */
    HELLO_TRUNCATED_MAC(HelloRejectReason.MALFORMED),
    /** We have a secret, the sender did not sign. */
    HELLO_UNSIGNED_BUT_REQUIRED(HelloRejectReason.UNSIGNED_BUT_REQUIRED),
    /** We have a secret, hmac_len is neither 0 nor 32. */
    HELLO_BAD_MAC_LENGTH(HelloRejectReason.MALFORMED),
    /** MAC does not match our secret. */
    HELLO_MAC_MISMATCH(HelloRejectReason.HMAC_MISMATCH),
    /** We have no secret, the sender signed (asymmetric configuration). */
    HELLO_SIGNED_BUT_UNSUPPORTED(HelloRejectReason.SIGNED_BUT_UNSUPPORTED),

    // meshplane's checks of a HELLO that passed all of openzro's, run by the relay's listener
    // (docs/relay.md#the-fabric-between-relay-nodes).

    /** The HELLO announces the receiver's own address. */
    HELLO_OWN_ADDRESS(HelloRejectReason.OWN_ADDRESS),
    /** The HELLO was accepted before. */
    HELLO_REPLAYED(HelloRejectReason.REPLAYED),
    /** The receiver cannot record one more HELLO. */
    HELLO_REPLAY_MEMORY_FULL(HelloRejectReason.REPLAY_MEMORY_FULL);

    private final HelloRejectReason helloRejectReason;

    Reason(HelloRejectReason helloRejectReason) {
      this.helloRejectReason = helloRejectReason;
    }

    /** Lower-case snake-case name, stable for logs. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The {@code relay_cluster_hello_rejects_total} label to count when this error ends an
     * inbound handshake. Truncated frames map to {@code timeout} because openzro files every read
     * error of the first frame under that label (handleAccepted). Empty for reasons that cannot
     * occur while reading a HELLO.
     */
    public Optional<HelloRejectReason> helloRejectReason() {
      return Optional.ofNullable(helloRejectReason);
    }
  }

  private final Reason reason;

  public FabricProtocolException(Reason reason, String detail) {
    super(reason.label() + ": " + detail, null, false, false);
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
