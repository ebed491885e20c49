package dev.meshplane.actors.signal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The signal bytes one node holds for delivery, in session buffers and stream queues together,
 * against {@code meshplane.signal.max-buffered-bytes}. Count limits alone let a few large messages
 * to many keys fill the heap; this bounds the sum. Shared by every session and stream on the node,
 * so it is lock-free: holders reserve before they keep a message and release when it leaves.
 */
final class SignalByteBudget {

  private final long limit;
  private final SignalMetrics metrics;
  private final AtomicLong used = new AtomicLong();

  SignalByteBudget(long limit, SignalMetrics metrics) {
    this.limit = limit;
    this.metrics = metrics;
  }

  /** Takes {@code bytes} from the budget, or nothing and {@code false} when they do not fit. */
  boolean tryReserve(long bytes) {
    long before;
    do {
      before = used.get();
      if (before + bytes > limit) {
        return false;
      }
    } while (!used.compareAndSet(before, before + bytes));
    metrics.bufferedBytes(bytes);
    return true;
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
    metrics.bufferedBytes(-bytes);
  }
}
