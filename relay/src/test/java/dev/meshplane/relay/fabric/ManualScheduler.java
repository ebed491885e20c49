package dev.meshplane.relay.fabric;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * A scheduler whose one-shot tasks run only when a test says time has passed, on the test's
 * thread: a lookup timeout fires exactly when the test wants it to, never by accident.
 */
final class ManualScheduler implements Scheduler {

  private final List<Runnable> due = new ArrayList<>();

  /** Runs every task scheduled so far, as if all their delays had passed. */
  void timePasses() {
    List<Runnable> tasks = List.copyOf(due);
    due.clear();
    tasks.forEach(Runnable::run);
  }

  int pending() {
    return due.size();
  }

  @Override
  public Cancellable scheduleOnce(Duration delay, Runnable task, ExecutionContext executor) {
    due.add(task);
    return Cancellable.alreadyCancelled();
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable task, ExecutionContext executor) {
    due.add(task);
    return Cancellable.alreadyCancelled();
  }

  @Override
  public Cancellable scheduleWithFixedDelay(FiniteDuration initialDelay, FiniteDuration delay, Runnable task,
      ExecutionContext executor) {
    throw new UnsupportedOperationException("only one-shot tasks are simulated");
  }

  @Override
  public Cancellable scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable task,
      ExecutionContext executor) {
    throw new UnsupportedOperationException("only one-shot tasks are simulated");
  }

  @Override
  public Cancellable scheduleAtFixedRate(FiniteDuration initialDelay, FiniteDuration interval, Runnable task,
      ExecutionContext executor) {
    throw new UnsupportedOperationException("only one-shot tasks are simulated");
  }

  @Override
  public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration interval, Runnable task,
      ExecutionContext executor) {
    throw new UnsupportedOperationException("only one-shot tasks are simulated");
  }
}
