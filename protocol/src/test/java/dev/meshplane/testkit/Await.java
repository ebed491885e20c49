package dev.meshplane.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests: for a condition with a deadline, never for a fixed time. Shared by every
 * module through the protocol test-jar.
 */
public final class Await {

  /**
   * How long a test listens before it concludes that nothing arrived. Long enough for a message
   * that was wrongly sent to cross loopback and an actor hop many times over; a test that must
   * prove absence has no event to wait for, so this is the one fixed window in the suite.
   */
  public static final Duration QUIET = Duration.ofMillis(300);

  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private Await() {}

  /**
   * Returns as soon as {@code condition} holds, checking every few milliseconds; fails with
   * {@code what} once {@code timeout} has passed. For state that has no event to wait on
   * (metrics, store sizes, another process's health endpoint).
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("not within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
