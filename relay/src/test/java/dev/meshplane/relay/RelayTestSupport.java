package dev.meshplane.relay;

import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Settings, metric reading and deadline-bound waiting shared by the relay tests. */
public final class RelayTestSupport {

  static final String SECRET = "relay-secret";

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
      custom = custom.withValue("meshplane.relay." + entry.getKey(),
          com.typesafe.config.ConfigValueFactory.fromAnyRef(entry.getValue()));
    }
    return RelaySettings.fromConfig(custom.withFallback(base));
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

  /**
   * Waits until {@code condition} holds, checking every few milliseconds, and fails with
   * {@code what} at the deadline. For state that has no event to wait on (metrics, store size).
   */
  public static void awaitUntil(Duration deadline, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("not within " + deadline + ": " + what);
      }
      LockSupport.parkNanos(5_000_000L);
    }
  }
}
