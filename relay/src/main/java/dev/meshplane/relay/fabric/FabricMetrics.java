package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.HelloRejectReason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The fabric's Prometheus metrics. {@code relay_cluster_*} are openzro's
 * (relay/server/cluster/metrics.go): names, labels and histogram buckets are fixed so dashboards
 * work across a mixed fleet. The {@code meshplane_relay_cluster_*} ones are ours (the receiving
 * side of FWD, frames not acted on, stream proofs). Every label value is registered up front so a scrape shows
 * zeros rather than missing series.
 */
final class FabricMetrics {

  /** openzro's bucket bounds of {@code relay_cluster_lookup_duration_seconds}. */
  static final double[] LOOKUP_BUCKETS_SECONDS = {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0};

  /** openzro's {@code result} label of {@code relay_cluster_forwards_total}, one per forward. */
  enum ForwardResult {
    OK, PEER_NOT_FOUND, STREAM_GONE, SEND_ERROR;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why a frame was not acted on (ours). */
  enum Dropped {
    /** WHO_HAS / I_HAVE / FWD with a payload of the wrong size. */
    MALFORMED,
    /** A type skipped on receipt: HELLO again, the unused channel types 0x10-0x13, or an unknown code. */
    IGNORED,
    /** A packet for a destination whose lookup already holds lookup-backlog packets. */
    LOOKUP_BACKLOG_FULL,
    /**
     * A frame from a stream that is not trusted with it: a meshplane remote whose PROOF has not
     * checked out (held until it does, dropped if it never does or too many wait), an extension
     * from a remote that never proved itself, or anything from an openzro-like remote where openzro
     * pods are not allowed.
     */
    UNPROVEN,
    /** A FWD whose relay message is not a Transport message (version, type, or shorter than its header). */
    FWD_NOT_TRANSPORT,
    /** A FWD whose relay message is larger than a peer here accepts ({@code max-message-size}). */
    FWD_OVERSIZE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a remote's stream proof ended (ours; docs/relay.md#the-fabric-between-relay-nodes). */
  enum ProofResult {
    /** The remote proved it holds the secret, for this stream. */
    OK,
    /** Its PROOF did not match: a wrong secret, an address it is not dialed at, or a relayed challenge. */
    MISMATCH,
    /** No valid PROOF within hello-timeout from a remote that had to give one. */
    TIMEOUT,
    /** The remote behaves as an openzro pod where openzro pods are not allowed. */
    REFUSED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusRegistry registry;
  private final List<Collector> collectors;
  private final Map<HelloRejectReason, CounterDataPoint> helloRejects = new EnumMap<>(HelloRejectReason.class);
  private final Map<ForwardResult, CounterDataPoint> forwards = new EnumMap<>(ForwardResult.class);
  private final Map<Dropped, CounterDataPoint> dropped = new EnumMap<>(Dropped.class);
  private final Map<ProofResult, CounterDataPoint> proofs = new EnumMap<>(ProofResult.class);
  private final CounterDataPoint forwardsDelivered;
  private final CounterDataPoint forwardsNotDelivered;
  private final Histogram lookupDuration;
  private final Counter pingsSent;
  private final Counter pingsLost;

  FabricMetrics(PrometheusRegistry registry, IntSupplier liveStreams) {
    this.registry = registry;
    // Prometheus appends _total to counters on exposition; the builder takes the base name.
    Counter rejects = Counter.builder().name("relay_cluster_hello_rejects")
        .help("Inbound fabric connections closed because the first frame was not a valid HELLO, by reason")
        .labelNames("reason").withoutExemplars().build();
    Counter forwarded = Counter.builder().name("relay_cluster_forwards")
        .help("Packets for peers on other nodes, by outcome").labelNames("result").withoutExemplars().build();
    lookupDuration = Histogram.builder().name("relay_cluster_lookup_duration_seconds")
        .help("Time to find the node holding a peer (cache hits included)")
        .classicOnly().classicUpperBounds(LOOKUP_BUCKETS_SECONDS).withoutExemplars().build();
    GaugeWithCallback streams = GaugeWithCallback.builder().name("relay_cluster_streams")
        .help("Live fabric streams to other nodes").callback(cb -> cb.call(liveStreams.getAsInt())).build();
    pingsSent = Counter.builder().name("relay_cluster_pings_sent").help("Fabric PINGs sent").withoutExemplars().build();
    pingsLost = Counter.builder().name("relay_cluster_pings_lost")
        .help("Fabric PINGs without any answer within ping-timeout (the stream is then closed)").withoutExemplars().build();
    Counter drops = Counter.builder().name("meshplane_relay_cluster_frames_dropped")
        .help("Fabric frames received and not acted on, or not sent, by reason")
        .labelNames("reason").withoutExemplars().build();
    Counter received = Counter.builder().name("meshplane_relay_cluster_forwards_received")
        .help("FWD frames received from other nodes: delivered to a local peer, or dropped")
        .labelNames("result").withoutExemplars().build();
    Counter proofResults = Counter.builder().name("meshplane_relay_cluster_stream_proofs")
        .help("Stream proofs of other meshplane nodes (they hold the fabric secret), by result")
        .labelNames("result").withoutExemplars().build();
    collectors = List.of(rejects, forwarded, lookupDuration, streams, pingsSent, pingsLost, drops, received,
        proofResults);
    collectors.forEach(registry::register);
    for (HelloRejectReason reason : HelloRejectReason.values()) {
      helloRejects.put(reason, rejects.labelValues(reason.label()));
    }
    for (ForwardResult result : ForwardResult.values()) {
      forwards.put(result, forwarded.labelValues(result.label()));
    }
    for (Dropped reason : Dropped.values()) {
      dropped.put(reason, drops.labelValues(reason.label()));
    }
    for (ProofResult result : ProofResult.values()) {
      proofs.put(result, proofResults.labelValues(result.label()));
    }
    forwardsDelivered = received.labelValues("delivered");
    forwardsNotDelivered = received.labelValues("dropped");
  }

  void helloRejected(HelloRejectReason reason) {
    helloRejects.get(reason).inc();
  }

  void forward(ForwardResult result) {
    forwards.get(result).inc();
  }

  long forwards(ForwardResult result) {
    return (long) forwards.get(result).get();
  }

  void dropped(Dropped reason) {
    dropped.get(reason).inc();
  }

  void dropped(Dropped reason, int frames) {
    if (frames > 0) {
      dropped.get(reason).inc(frames);
    }
  }

  void proof(ProofResult result) {
    proofs.get(result).inc();
  }

  void forwardReceived(boolean delivered) {
    (delivered ? forwardsDelivered : forwardsNotDelivered).inc();
  }

  void lookup(long nanos) {
    lookupDuration.observe(nanos / 1e9);
  }

  void pingSent() {
    pingsSent.inc();
  }

  void pingLost() {
    pingsLost.inc();
  }

  /** Removes the metrics again, so a stopped fabric can be started on the same registry. */
  void unregister() {
    collectors.forEach(registry::unregister);
  }
}
