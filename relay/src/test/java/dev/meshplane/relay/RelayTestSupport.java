package dev.meshplane.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.meshplane.relay.testkit.RelayTestPeer;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Settings, running servers, tokens and metric reading shared by the relay tests. */
public final class RelayTestSupport {

  static final String SECRET = "relay-secret";
  /** Starting or stopping a server, or an actor system, takes well under this. */
  static final Duration LIFECYCLE_WAIT = Duration.ofSeconds(10);

  private RelayTestSupport() {
  }

  /** Settings on 127.0.0.1, port 0, with {@code overrides} (keys relative to meshplane.relay). */
  static RelaySettings settings(Map<String, Object> overrides) {
    Config base = ConfigFactory.parseMap(Map.of(
        "meshplane.relay.host", "127.0.0.1",
        "meshplane.relay.port", 0,
        "meshplane.relay.auth-secret", SECRET));
    Config custom = ConfigFactory.empty();
    for (Map.Entry<String, Object> entry : overrides.entrySet()) {
      custom = custom.withValue("meshplane.relay." + entry.getKey(), ConfigValueFactory.fromAnyRef(entry.getValue()));
    }
    return RelaySettings.fromConfig(custom.withFallback(base));
  }

  /** An actor system for relay servers, logging warnings and above through SLF4J. */
  static ActorSystem<Void> actorSystem(String name) {
    return ActorSystem.create(Behaviors.empty(), name, ConfigFactory.parseString(
        "pekko.loglevel = WARNING\npekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
            + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"")
        .withFallback(ConfigFactory.load()));
  }

  static void terminate(ActorSystem<?> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(LIFECYCLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A running relay server with {@link #settings} and {@code overrides}, its metrics in {@code registry}. */
  static RelayServer startServer(ActorSystem<?> system, Map<String, Object> overrides, PrometheusRegistry registry)
      throws Exception {
    return RelayServer.start(system, settings(overrides), registry).toCompletableFuture()
        .get(LIFECYCLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  static void stop(RelayServer server) throws Exception {
    server.stop().toCompletableFuture().get(LIFECYCLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Where peers connect to {@code server}: plain WebSocket on loopback. */
  static URI uri(RelayServer server) {
    return URI.create("ws://127.0.0.1:" + server.boundPort() + RelayServer.PATH);
  }

  /** A relay token the servers started here accept, valid for an hour. */
  static byte[] validToken() {
    return RelayTestPeer.token(SECRET);
  }

  /** Value of a counter (name without _total) or gauge data point with the given label pairs; 0 if absent. */
  static double metric(PrometheusRegistry registry, String name, String... labelPairs) {
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (!snapshot.getMetadata().getName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot point : snapshot.getDataPoints()) {
        if (!matches(point, labelPairs)) {
          continue;
        }
        if (point instanceof CounterSnapshot.CounterDataPointSnapshot counter) {
          return counter.getValue();
        }
        if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot gauge) {
          return gauge.getValue();
        }
        if (point instanceof HistogramSnapshot.HistogramDataPointSnapshot histogram) {
          return histogram.getCount();
        }
      }
    }
    return 0;
  }

  private static boolean matches(DataPointSnapshot point, String... labelPairs) {
    for (int i = 0; i < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(point.getLabels().get(labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }
}
