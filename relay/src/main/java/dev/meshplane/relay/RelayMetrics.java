package dev.meshplane.relay;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's Prometheus metrics. Names starting {@code relay_} are openzro's (openzro relay/metrics; listed in docs/relay.md, Metrics), so
 * existing dashboards keep working; {@code meshplane_relay_} ones are ours (handshake results,
 * forwarded messages, drops and closes by reason). Per-packet counters are resolved to their data
 * points once, so the forwarding path does no label lookups.
 */
final class RelayMetrics {

  /** Bucket bounds of openzro's two timing histograms, in milliseconds. */
  private static final double[] TIME_BUCKETS_MS = {0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000};

  /** Why a message was not delivered. */
  enum Drop {
    /** Destination not connected to this node, and no fabric to other nodes (a lone node). */
    NO_DESTINATION,
    /** Destination's outbound queue full: it reads slower than it is sent to. */
    QUEUE_FULL,
    /** Destination connection already closing. */
    DESTINATION_CLOSED,
    /** Transport shorter than 38 bytes or a peer-state list of bad length: ignored, as openzro does. */
    MALFORMED,
    /** Control message (health check, peer state) not queued because the peer stopped reading. */
    CONTROL_QUEUE_FULL;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final PrometheusRegistry registry;
  private final List<Collector> collectors;

  private final Counter handshakes;
  private final Map<String, CounterDataPoint> handshakeByResult = new ConcurrentHashMap<>();
  private final Counter closes;
  private final Map<String, CounterDataPoint> closeByReason = new ConcurrentHashMap<>();
  private final Map<Drop, CounterDataPoint> dropByReason = new EnumMap<>(Drop.class);
  private final CounterDataPoint sentBytes;
  private final CounterDataPoint receivedBytes;
  private final CounterDataPoint forwardedMessages;
  private final CounterDataPoint reconnections;
  private final Gauge peers;
  private final Histogram authenticationTime;
  private final Histogram storeTime;

  private RelayMetrics(PrometheusRegistry registry, PeerStore store, ConnectionBudget budget) {
    this.registry = registry;
    Counter sent = Counter.builder().name("relay_transfer_sent_bytes")
        .help("Bytes of transport messages written to destination peers").withoutExemplars().build();
    Counter received = Counter.builder().name("relay_transfer_received_bytes")
        .help("Bytes of transport messages read from peers").withoutExemplars().build();
    peers = Gauge.builder().name("relay_peers").help("Authenticated peers connected to this node").withoutExemplars().build();
    GaugeWithCallback active = GaugeWithCallback.builder().name("relay_peers_active")
        .help("Connected peers with transport traffic in the last 30 s")
        .callback(cb -> cb.call(store.countActiveWithin(ACTIVE_WINDOW_NANOS))).build();
    GaugeWithCallback idle = GaugeWithCallback.builder().name("relay_peers_idle")
        .help("Connected peers without transport traffic in the last 30 s")
        .callback(cb -> cb.call(Math.max(0, store.size() - store.countActiveWithin(ACTIVE_WINDOW_NANOS))))
        .build();
    authenticationTime = Histogram.builder().name("relay_peer_authentication_time_milliseconds")
        .help("Time from WebSocket upgrade to accepted Auth, in milliseconds")
        .classicOnly().classicUpperBounds(TIME_BUCKETS_MS).withoutExemplars().build();
    storeTime = Histogram.builder().name("relay_peer_store_time_milliseconds")
        .help("Time to register a peer in the store and notify its subscribers, in milliseconds")
        .classicOnly().classicUpperBounds(TIME_BUCKETS_MS).withoutExemplars().build();
    GaugeWithCallback handshaking = GaugeWithCallback.builder().name("meshplane_relay_handshaking_connections")
        .help("Connections that have not authenticated yet (limit: max-handshaking-connections)")
        .callback(cb -> cb.call(budget.handshaking())).build();
    Counter reconnected = Counter.builder().name("relay_peer_reconnections")
        .help("Connections replaced by a newer one with the same peer ID").withoutExemplars().build();
    handshakes = Counter.builder().name("meshplane_relay_handshakes")
        .help("Handshake outcomes: ok, or why the connection was refused (token checks, connection limits)")
        .labelNames("result").withoutExemplars().build();
    Counter forwarded = Counter.builder().name("meshplane_relay_messages_forwarded")
        .help("Transport messages queued for a destination peer on this node").withoutExemplars().build();
    Counter dropped = Counter.builder().name("meshplane_relay_dropped_messages")
        .help("Messages not delivered, by reason").labelNames("reason").withoutExemplars().build();
    closes = Counter.builder().name("meshplane_relay_connections_closed")
        .help("Closed peer connections, by reason").labelNames("reason").withoutExemplars().build();

    collectors = List.of(sent, received, peers, active, idle, handshaking, authenticationTime, storeTime, reconnected,
        handshakes, forwarded, dropped, closes);
    collectors.forEach(registry::register);

    sentBytes = sent;
    receivedBytes = received;
    forwardedMessages = forwarded;
    reconnections = reconnected;
    for (Drop drop : Drop.values()) {
      dropByReason.put(drop, dropped.labelValues(drop.label()));
    }
    handshakeByResult.put("ok", handshakes.labelValues("ok"));
  }

  /** "Active" per openzro: transport traffic within the last 30 s. */
  static final long ACTIVE_WINDOW_NANOS = 30_000_000_000L;

  /**
   * Registers every metric on {@code registry}; the activity gauges read {@code store}, the
   * handshaking gauge {@code budget}, when scraped.
   */
  static RelayMetrics register(PrometheusRegistry registry, PeerStore store, ConnectionBudget budget) {
    return new RelayMetrics(registry, store, budget);
  }

  /** Removes every metric again, so a stopped server can be started on the same registry. */
  void unregister() {
    collectors.forEach(registry::unregister);
  }

  void handshake(String result) {
    handshakeByResult.computeIfAbsent(result, r -> handshakes.labelValues(r)).inc();
  }

  void closed(String reason) {
    closeByReason.computeIfAbsent(reason, r -> closes.labelValues(r)).inc();
  }

  void dropped(Drop reason) {
    dropByReason.get(reason).inc();
  }

  void received(int bytes) {
    receivedBytes.inc(bytes);
  }

  void forwarded(int bytes) {
    sentBytes.inc(bytes);
    forwardedMessages.inc();
  }

  void reconnection() {
    reconnections.inc();
  }

  void peerConnected() {
    peers.inc();
  }

  void peerDisconnected() {
    peers.dec();
  }

  void authenticationTime(long nanos) {
    authenticationTime.observe(nanos / 1_000_000.0);
  }

  void storeTime(long nanos) {
    storeTime.observe(nanos / 1_000_000.0);
  }
}
