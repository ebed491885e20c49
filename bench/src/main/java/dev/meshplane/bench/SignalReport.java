package dev.meshplane.bench;

import java.io.PrintStream;
import java.util.Locale;

/** The table and ratio line of {@link SignalBench}, in a form that pastes into markdown. */
final class SignalReport {

  private SignalReport() {}

  static void print(PrintStream out, SignalRunResult meshplane, SignalRunResult baseline) {
    print(out, "system", "meshplane/baseline", meshplane, baseline);
  }

  /**
   * The same table for another comparison: {@code firstColumn} names what the rows are, and
   * {@code ratioName} says which row is divided by which.
   */
  static void print(PrintStream out, String firstColumn, String ratioName, SignalRunResult meshplane,
      SignalRunResult baseline) {
    out.println();
    out.println("| " + firstColumn + " | pairs | msgs/s | p50 ms | p99 ms | lost |");
    out.println("|---|---:|---:|---:|---:|---:|");
    row(out, meshplane);
    row(out, baseline);
    out.println();
    out.printf(Locale.ROOT, "ratio (%s) msgs/s: %.2f, p50: %.2f, p99: %.2f%n", ratioName,
        ratio(meshplane.messagesPerSecond(), baseline.messagesPerSecond()),
        ratio(meshplane.p50Millis(), baseline.p50Millis()),
        ratio(meshplane.p99Millis(), baseline.p99Millis()));
    for (SignalRunResult result : new SignalRunResult[] {meshplane, baseline}) {
      if (result.misrouted() > 0) {
        out.printf(Locale.ROOT, "WARNING: %s delivered %d messages to the wrong peer%n",
            result.system(), result.misrouted());
      }
      if (result.lost() > 0) {
        out.printf(Locale.ROOT, "WARNING: %s lost %d messages%n", result.system(), result.lost());
      }
    }
  }

  private static void row(PrintStream out, SignalRunResult r) {
    out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %d |%n",
        r.system(), r.pairs(), r.messagesPerSecond(), r.p50Millis(), r.p99Millis(), r.lost());
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }
}
