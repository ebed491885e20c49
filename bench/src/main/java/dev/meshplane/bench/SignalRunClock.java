package dev.meshplane.bench;

/**
 * The phases of one round on the {@link System#nanoTime} clock: load starts at once, messages
 * sent from {@code measureStartNanos} on are measured, and nothing is sent from {@code endNanos} on.
 */
record SignalRunClock(long measureStartNanos, long endNanos) {

  static SignalRunClock startingNow(long warmupMillis, long measuredMillis) {
    long measureStart = System.nanoTime() + warmupMillis * 1_000_000L;
    return new SignalRunClock(measureStart, measureStart + measuredMillis * 1_000_000L);
  }

  boolean isMeasured(long sentAtNanos) {
    return sentAtNanos - measureStartNanos >= 0 && sentAtNanos - endNanos < 0;
  }

  boolean isOver(long nowNanos) {
    return nowNanos - endNanos >= 0;
  }
}
