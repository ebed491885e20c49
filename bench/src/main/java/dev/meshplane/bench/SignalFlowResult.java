package dev.meshplane.bench;

/** What one {@link SignalFlow} saw; {@code lost} counts the whole run, warmup included. */
record SignalFlowResult(
    long lost, long sentMeasured, long receivedMeasured, long misrouted, SignalLatencyHistogram latencies) {}
