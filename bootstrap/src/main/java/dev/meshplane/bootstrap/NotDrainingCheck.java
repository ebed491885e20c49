package dev.meshplane.bootstrap;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/** Readiness check: false from the moment the node starts shutting down. */
public final class NotDrainingCheck implements Supplier<CompletionStage<Boolean>> {

  private final NodeState state;

  public NotDrainingCheck(ActorSystem system) {
    this.state = NodeState.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(!state.draining());
  }
}
