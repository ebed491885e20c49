package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.HelloRejectReason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of the inbound side of the fabric. {@code relay_cluster_hello_rejects_total} is openzro's
 * (relay-fabric.md §10), so its name and labels are fixed; the {@code meshplane_relay_cluster_}
 * counters are ours, because openzro counts nothing on the receiving side of a FWD and closes the
 * stream on a bad payload instead of counting it. Every label value is registered up front so a
 * scrape shows zeros rather than missing series.
 */
final class FabricListenerMetrics {

  /** Why a frame received after HELLO was not acted on. */
  enum Dropped {
    /** WHO_HAS / I_HAVE / FWD with a payload of the wrong size. */
    MALFORMED("malformed"),
    /** Unknown type code, or a type that is defined but unused (HELLO again, OPEN*, DATA, CLOSE, PONG). */
    IGNORED("ignored");

    final String label;

    Dropped(String label) {
      this.label = label;
    }
  }

  private final PrometheusRegistry registry;
  private final List<Collector> collectors;
  private final Map<HelloRejectReason, CounterDataPoint> helloRejects = new EnumMap<>(HelloRejectReason.class);
  private final Map<Dropped, CounterDataPoint> dropped = new EnumMap<>(Dropped.class);
  private final CounterDataPoint forwardsDelivered;
  private final CounterDataPoint forwardsNotDelivered;

  FabricListenerMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    // Prometheus appends _total to counters on exposition; the builder takes the base name.
    Counter rejects = Counter.builder().name("relay_cluster_hello_rejects")
        .help("Inbound fabric connections closed because the first frame was not a valid HELLO, by reason")
        .labelNames("reason").withoutExemplars().build();
    Counter drops = Counter.builder().name("meshplane_relay_cluster_frames_dropped")
        .help("Fabric frames received after HELLO and not acted on, by reason")
        .labelNames("reason").withoutExemplars().build();
    Counter received = Counter.builder().name("meshplane_relay_cluster_forwards_received")
        .help("FWD frames received from other nodes: delivered to a local peer, or dropped")
        .labelNames("result").withoutExemplars().build();
    collectors = List.of(rejects, drops, received);
    collectors.forEach(registry::register);
    for (HelloRejectReason reason : HelloRejectReason.values()) {
      helloRejects.put(reason, rejects.labelValues(reason.label()));
    }
    for (Dropped reason : Dropped.values()) {
      dropped.put(reason, drops.labelValues(reason.label));
    }
    forwardsDelivered = received.labelValues("delivered");
    forwardsNotDelivered = received.labelValues("dropped");
  }

  void helloRejected(HelloRejectReason reason) {
    helloRejects.get(reason).inc();
  }

  void dropped(Dropped reason) {
    dropped.get(reason).inc();
  }

  void forwardReceived(boolean delivered) {
    (delivered ? forwardsDelivered : forwardsNotDelivered).inc();
  }

  /** Removes the metrics again, so a stopped listener can be started on the same registry. */
  void unregister() {
    collectors.forEach(registry::unregister);
  }
}
