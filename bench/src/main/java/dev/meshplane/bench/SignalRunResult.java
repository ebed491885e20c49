package dev.meshplane.bench;

import java.util.List;

/** The figures of one system under the load, over all its rounds. */
record SignalRunResult(
    String system, int pairs, double messagesPerSecond, double p50Millis, double p99Millis,
    long lost, long misrouted) {

  static SignalRunResult of(String system, int pairs, double measuredSeconds, List<SignalFlowResult> flows) {
    SignalLatencyHistogram latencies = new SignalLatencyHistogram();
    long received = 0;
    long lost = 0;
    long misrouted = 0;
    for (SignalFlowResult flow : flows) {
      latencies.addAll(flow.latencies());
      received += flow.receivedMeasured();
      lost += flow.lost();
      misrouted += flow.misrouted();
    }
    return new SignalRunResult(system, pairs, received / measuredSeconds,
        latencies.percentile(0.50) / 1e6, latencies.percentile(0.99) / 1e6, lost, misrouted);
  }
}
