package dev.meshplane.actors.signal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Signal metrics of one node. Names and labels follow openzro's signal server
 * (openzro signal/metrics; listed in README.md) so existing dashboards keep working; what openzro has no name for
 * is prefixed {@code signal_}.
 */
public final class SignalMetrics {

  /** Why a message was not handed to a stream. */
  public enum DropReason {
    /** The destination's buffer was full; the oldest buffered message was dropped. */
    BUFFER_FULL("buffer_full"),
    /** The destination did not attach before the buffer's age limit. */
    BUFFER_EXPIRED("buffer_expired"),
    /** Buffering is off (max-messages = 0) and the destination has no stream. */
    NOT_CONNECTED("not_connected"),
    /** The destination's stream did not read fast enough and its queue was full. */
    SLOW_CONSUMER("slow_consumer"),
    /** The destination's stream was already closing. */
    STREAM_CLOSED("stream_closed"),
    /** The node's byte budget for buffered messages (max-buffered-bytes) was spent. */
    NODE_BUFFER_FULL("node_buffer_full"),
    /** Send or a stream-written message without a usable remoteKey. */
    INVALID("invalid"),
    /** A Send or stream-written message larger than max-message-size, refused with RESOURCE_EXHAUSTED. */
    TOO_LARGE("too_large");

    private final String label;

    DropReason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final double[] DELAY_BUCKETS_MS = {
    0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000
  };
  private static final double[] DURATION_BUCKETS_S = {
    1, 60, 600, 3600, 7200, 21600, 43200, 86400, 172800
  };

  private final Gauge activePeers;
  private final Counter registrations;
  private final Counter deregistrations;
  private final Counter registrationFailures;
  private final Histogram registrationDelay;
  private final Histogram connectionDuration;
  private final Counter forwarded;
  private final Counter forwardFailures;
  private final Counter dropped;
  private final Counter bufferedTotal;
  private final Gauge bufferedNow;
  private final Gauge bufferedBytes;
  private final Counter replacements;

  public SignalMetrics(PrometheusRegistry registry) {
    activePeers = Gauge.builder().name("active_peers")
        .help("Signal streams attached on this node").register(registry);
    registrations = Counter.builder().name("registrations_total")
        .help("Signal streams that registered on this node").register(registry);
    deregistrations = Counter.builder().name("deregistrations_total")
        .help("Signal streams that ended on this node").register(registry);
    registrationFailures = Counter.builder().name("registration_failures_total")
        .help("ConnectStream calls refused, by openzro's error label")
        .labelNames("error").register(registry);
    registrationDelay = Histogram.builder().name("registration_delay_milliseconds")
        .help("Time from ConnectStream to the session accepting the stream")
        .classicUpperBounds(DELAY_BUCKETS_MS).register(registry);
    connectionDuration = Histogram.builder().name("peer_connection_duration_seconds")
        .help("Lifetime of signal streams").classicUpperBounds(DURATION_BUCKETS_S)
        .register(registry);
    forwarded = Counter.builder().name("messages_forwarded_total")
        .help("Messages handed to a peer's stream on this node").register(registry);
    forwardFailures = Counter.builder().name("message_forward_failures_total")
        .help("Messages not delivered, openzro's types (not_connected, error)")
        .labelNames("type").register(registry);
    dropped = Counter.builder().name("signal_messages_dropped_total")
        .help("Messages dropped, by reason").labelNames("reason").register(registry);
    bufferedTotal = Counter.builder().name("signal_messages_buffered_total")
        .help("Messages buffered because the destination had no stream").register(registry);
    bufferedNow = Gauge.builder().name("signal_buffered_messages")
        .help("Messages currently buffered in sessions hosted on this node").register(registry);
    bufferedBytes = Gauge.builder().name("signal_buffered_bytes")
        .help("Message bytes held in session buffers and stream queues on this node").register(registry);
    replacements = Counter.builder().name("signal_stream_replacements_total")
        .help("Streams completed because a newer stream for the same peer key attached")
        .register(registry);
    for (DropReason reason : DropReason.values()) {
      dropped.labelValues(reason.label());
    }
    for (String error : new String[] {"missing_meta", "missing_id", "failed_registration", "failed_header",
        "invalid_id"}) {
      registrationFailures.labelValues(error);
    }
  }

  void streamAttached(double delayMillis) {
    activePeers.inc();
    registrations.inc();
    registrationDelay.observe(delayMillis);
  }

  void streamEnded(double seconds) {
    activePeers.dec();
    deregistrations.inc();
    connectionDuration.observe(seconds);
  }

  public void registrationFailed(String error) {
    registrationFailures.labelValues(error).inc();
  }

  void forwarded() {
    forwarded.inc();
  }

  public void dropped(DropReason reason) {
    dropped.labelValues(reason.label()).inc();
    // openzro only knows "peer absent" and "stream write failed"; map ours onto those two.
    boolean absent = reason == DropReason.BUFFER_FULL || reason == DropReason.BUFFER_EXPIRED
        || reason == DropReason.NOT_CONNECTED || reason == DropReason.NODE_BUFFER_FULL;
    // Refused requests were never accepted for forwarding; openzro would have refused them too.
    if (reason != DropReason.INVALID && reason != DropReason.TOO_LARGE) {
      forwardFailures.labelValues(absent ? "not_connected" : "error").inc();
    }
  }

  void buffered() {
    bufferedTotal.inc();
    bufferedNow.inc();
  }

  void unbuffered(int count) {
    bufferedNow.dec(count);
  }

  void bufferedBytes(long delta) {
    bufferedBytes.inc(delta);
  }

  void replaced() {
    replacements.inc();
  }

  /** Number of attached streams on this node, as exported. */
  public long activePeers() {
    return (long) activePeers.get();
  }

  public long droppedCount(DropReason reason) {
    return (long) dropped.labelValues(reason.label()).get();
  }

  public long forwardedCount() {
    return (long) forwarded.get();
  }

  public long registrationFailureCount(String error) {
    return (long) registrationFailures.labelValues(error).get();
  }

  public long bufferedNow() {
    return (long) bufferedNow.get();
  }

  public long bufferedBytes() {
    return (long) bufferedBytes.get();
  }
}
