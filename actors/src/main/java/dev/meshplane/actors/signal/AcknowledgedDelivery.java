package dev.meshplane.actors.signal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * At-least-once hand-off of a message to its destination's session. Sharding sends messages for a
 * shard to the node that hosts it; when that node has just died, they are lost until the node is
 * downed and the shard restarts elsewhere. Retrying unanswered attempts, each with the same id,
 * bridges that gap; the session drops repeated ids, so a retry whose first attempt did arrive is
 * not delivered twice (unless that session itself died in between).
 */
final class AcknowledgedDelivery {

  private final ActorSystem<?> system;
  private final ActorRef<ShardingEnvelope<PeerSession.Command>> sessions;
  private final Duration attemptTimeout;
  private final Duration budget;

  AcknowledgedDelivery(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<PeerSession.Command>> sessions,
      Duration attemptTimeout,
      Duration budget) {
    this.system = system;
    this.sessions = sessions;
    this.attemptTimeout = attemptTimeout;
    this.budget = budget;
  }

  /** Completes with true once a session took the message, false when the budget ran out. */
  CompletionStage<Boolean> deliver(String remoteKey, byte[] message) {
    long id = ThreadLocalRandom.current().nextLong();
    return attempt(remoteKey, message, id, System.nanoTime() + budget.toNanos());
  }

  private CompletionStage<Boolean> attempt(String remoteKey, byte[] message, long id, long deadlineNanos) {
    CompletionStage<PeerSession.Accepted> answer = AskPattern.ask(
        sessions,
        replyTo -> new ShardingEnvelope<>(remoteKey, new PeerSession.Deliver(message, id, replyTo)),
        attemptTimeout,
        system.scheduler());
    return answer.handle((accepted, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(true);
      }
      if (System.nanoTime() - deadlineNanos >= 0) {
        return CompletableFuture.completedFuture(false);
      }
      return attempt(remoteKey, message, id, deadlineNanos);
    }).thenCompose(next -> next);
  }
}
