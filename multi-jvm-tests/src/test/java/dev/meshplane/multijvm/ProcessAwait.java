package dev.meshplane.multijvm;

import dev.meshplane.testkit.Await;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@link Await#until} for a condition that asks another process (a node JVM over HTTP, dnsmasq
 * over DNS). Each check is a request that process must answer while it starts on the same few
 * cores, so checks are spaced {@link #CHECK_INTERVAL} apart. The wait fails at once if the process
 * exits, and every failure carries what was last seen and the process's log.
 */
final class ProcessAwait {

  static final Duration CHECK_INTERVAL = Duration.ofMillis(100);

  private ProcessAwait() {}

  /**
   * Waits until {@code condition} holds on {@code process}, named {@code name} in messages.
   *
   * @param log the process's log (tail), read only on failure
   * @param lastSeen what the condition last saw, read only on failure
   */
  static void until(Process process, String name, Supplier<String> log, Duration timeout, String what,
      Supplier<String> lastSeen, BooleanSupplier condition) {
    long[] nextCheck = {System.nanoTime()};
    try {
      Await.until(timeout, what, () -> {
        if (System.nanoTime() - nextCheck[0] < 0) {
          return false;
        }
        nextCheck[0] = System.nanoTime() + CHECK_INTERVAL.toNanos();
        if (!process.isAlive()) {
          throw new ProcessExited(name + " exited with " + process.exitValue() + " while waiting for: " + what
              + " (" + lastSeen.get() + ")\n" + log.get());
        }
        return condition.getAsBoolean();
      });
    } catch (ProcessExited exited) {
      throw exited;
    } catch (AssertionError failed) {
      throw new AssertionError(name + ": " + failed.getMessage() + " (" + lastSeen.get() + ")\n" + log.get(), failed);
    }
  }

  /** The process ended while a test waited on it: no point waiting for the deadline. */
  private static final class ProcessExited extends AssertionError {
    private static final long serialVersionUID = 1L;

    ProcessExited(String message) {
      super(message);
    }
  }
}
