package dev.meshplane.relay.fabric;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/** Reads one data point of the fabric's metrics; 0 when the series is absent. */
final class MetricValues {

  private MetricValues() {}

  /** A counter (name without {@code _total}) with one label; or without a label when {@code label} is null. */
  static double counter(PrometheusRegistry registry, String name, String label, String value) {
    for (DataPointSnapshot point : points(registry, name)) {
      if ((label == null || value.equals(point.getLabels().get(label)))
          && point instanceof CounterSnapshot.CounterDataPointSnapshot counter) {
        return counter.getValue();
      }
    }
    return 0;
  }

  /** A gauge without labels. */
  static double gauge(PrometheusRegistry registry, String name) {
    for (DataPointSnapshot point : points(registry, name)) {
      if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot gauge) {
        return gauge.getValue();
      }
    }
    return 0;
  }

  /** How many observations a histogram holds. */
  static long observations(PrometheusRegistry registry, String name) {
    for (DataPointSnapshot point : points(registry, name)) {
      if (point instanceof HistogramSnapshot.HistogramDataPointSnapshot histogram) {
        return histogram.getCount();
      }
    }
    return 0;
  }

  private static Iterable<? extends DataPointSnapshot> points(PrometheusRegistry registry, String name) {
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot.getMetadata().getName().equals(name)) {
        return snapshot.getDataPoints();
      }
    }
    return List.of();
  }
}
