package dev.meshplane.multijvm;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one metric from a node's Prometheus text exposition on {@code /metrics}. */
final class NodeMetrics {

  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})?\\s+(\\S+)");

  private NodeMetrics() {}

  /**
   * The sum of the samples of {@code metric} whose labels contain {@code labelFilter} (e.g.
   * {@code result="ok"}; empty for all), or empty if there is none or the node does not answer.
   * Matching by substring keeps the test indifferent to labels the exporter may add.
   */
  static OptionalDouble read(NodeProcess node, String metric, String labelFilter) {
    String text;
    try {
      text = node.get("/metrics", node.metricsPort);
    } catch (Exception | AssertionError unreachable) {
      return OptionalDouble.empty();
    }
    Matcher sample = SAMPLE.matcher(text);
    boolean found = false;
    double sum = 0;
    while (sample.find()) {
      String labels = sample.group(2) == null ? "" : sample.group(2);
      if (sample.group(1).equals(metric) && labels.contains(labelFilter)) {
        found = true;
        sum += Double.parseDouble(sample.group(3));
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  static OptionalDouble read(NodeProcess node, String metric) {
    return read(node, metric, "");
  }

  /** Waits until the metric satisfies {@code expected}; fails naming {@code expectation} and the last value. */
  static double await(NodeProcess node, String metric, DoublePredicate expected, String expectation,
      Duration timeout) {
    AtomicReference<OptionalDouble> last = new AtomicReference<>(OptionalDouble.empty());
    node.await(timeout, metric + " " + expectation + " (metrics port " + node.metricsPort + ")",
        () -> "last: " + (last.get().isPresent() ? last.get().getAsDouble() : "absent"), () -> {
          last.set(read(node, metric));
          return last.get().isPresent() && expected.test(last.get().getAsDouble());
        });
    return last.get().getAsDouble();
  }
}
