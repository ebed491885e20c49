package dev.meshplane.actors.signal;

import dev.meshplane.actors.CborSerializable;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import io.grpc.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * Owns one ConnectStream response stream on this node. Its ref is what a {@link PeerSession}
 * delivers to, so delivery works the same whether the session lives here or on another node.
 *
 * <p>Messages go into a bounded queue that never blocks: a client that stops reading loses
 * messages (counted) rather than stalling its session and every sender behind it.
 */
public final class SignalConnection extends AbstractBehavior<SignalConnection.Command> {

  public sealed interface Command extends CborSerializable
      permits Attached, Push, Replaced, Drain, Detached, StreamTerminated, Reattach, AttachTimedOut, DrainTimedOut,
          RetryAttach {}

  /** The session accepted this stream; from now on the peer counts as connected. */
  public record Attached(String peerKey) implements Command {}

  /** A serialized {@code EncryptedMessage} to write to the stream. */
  public record Push(byte[] message) implements Command {}

  /** A newer stream for the same key attached; this one is completed normally. */
  public enum Replaced implements Command {
    INSTANCE
  }

  /** This node is leaving or rebalancing: end the stream with UNAVAILABLE so the client reconnects. */
  public record Drain(String reason) implements Command {}

  /** The session will push no more to this stream (answer to a confirmed Detach). */
  public enum Detached implements Command {
    INSTANCE
  }

  private enum DrainTimedOut implements Command {
    INSTANCE
  }

  private enum RetryAttach implements Command {
    INSTANCE
  }

  /**
   * Until the session answers, Attach is sent again this often: the first one may have gone to a
   * node that just died, and its shard answers again only after it is restarted elsewhere.
   */
  private static final Duration ATTACH_RETRY = Duration.ofSeconds(1);

  /** The response stream ended (client went away, or the stream was completed here). */
  public enum StreamTerminated implements Command {
    INSTANCE
  }

  /**
   * Attach again: the session may have moved (node lost, shard rebalanced) and started fresh
   * without knowing this stream. Harmless when it did not move.
   */
  public enum Reattach implements Command {
    INSTANCE
  }

  private enum AttachTimedOut implements Command {
    INSTANCE
  }

  public static Behavior<Command> create(
      String peerKey,
      BoundedSourceQueue<byte[]> queue,
      EntityRef<PeerSession.Command> session,
      CompletableFuture<Void> registered,
      CompletableFuture<Optional<Throwable>> ending,
      SignalSettings settings,
      SignalMetrics metrics,
      ConnectionRegistry registry) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(
            timers -> new SignalConnection(
                ctx, timers, peerKey, queue, session, registered, ending, settings, metrics, registry)));
  }

  private final String peerKey;
  private final BoundedSourceQueue<byte[]> queue;
  private final EntityRef<PeerSession.Command> session;
  private final CompletableFuture<Void> registered;
  private final SignalMetrics metrics;
  private final ConnectionRegistry registry;
  private final long openedAtNanos = System.nanoTime();
  private final TimerScheduler<Command> timers;
  private final CompletableFuture<Optional<Throwable>> ending;
  private boolean attached;
  private String drainReason;

  /** How long a draining stream waits for its session's confirmation before ending anyway. */
  private static final Duration DRAIN_CONFIRM_TIMEOUT = Duration.ofSeconds(2);

  private SignalConnection(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String peerKey,
      BoundedSourceQueue<byte[]> queue,
      EntityRef<PeerSession.Command> session,
      CompletableFuture<Void> registered,
      CompletableFuture<Optional<Throwable>> ending,
      SignalSettings settings,
      SignalMetrics metrics,
      ConnectionRegistry registry) {
    super(ctx);
    this.timers = timers;
    this.ending = ending;
    this.peerKey = peerKey;
    this.queue = queue;
    this.session = session;
    this.registered = registered;
    this.metrics = metrics;
    this.registry = registry;
    registry.add(ctx.getSelf());
    session.tell(new PeerSession.Attach(ctx.getSelf()));
    timers.startSingleTimer(AttachTimedOut.INSTANCE, settings.attachTimeout());
    timers.startTimerWithFixedDelay(RetryAttach.INSTANCE, ATTACH_RETRY);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Attached.class, this::onAttached)
        .onMessage(Push.class, this::onPush)
        .onMessageEquals(Replaced.INSTANCE, this::onReplaced)
        .onMessage(Drain.class, this::onDrain)
        .onMessageEquals(Detached.INSTANCE, this::onDetached)
        .onMessageEquals(DrainTimedOut.INSTANCE, this::onDrainTimedOut)
        .onMessageEquals(StreamTerminated.INSTANCE, this::onStreamTerminated)
        .onMessageEquals(Reattach.INSTANCE, this::onReattach)
        .onMessageEquals(RetryAttach.INSTANCE, this::onReattach)
        .onMessageEquals(AttachTimedOut.INSTANCE, this::onAttachTimedOut)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onAttached(Attached msg) {
    if (!attached) {
      attached = true;
      timers.cancel(RetryAttach.INSTANCE);
      metrics.streamAttached((System.nanoTime() - openedAtNanos) / 1e6);
      registered.complete(null);
    }
    // Later Attached replies come from sessions re-created after a shard moved: nothing to do.
    return this;
  }

  private Behavior<Command> onPush(Push push) {
    QueueOfferResult result = queue.offer(push.message());
    if (result == QueueOfferResult.enqueued()) {
      metrics.forwarded();
    } else if (result == QueueOfferResult.dropped()) {
      metrics.dropped(DropReason.SLOW_CONSUMER);
    } else {
      metrics.dropped(DropReason.STREAM_CLOSED);
    }
    return this;
  }

  private Behavior<Command> onReplaced() {
    ending.complete(Optional.empty());
    queue.complete();
    return Behaviors.stopped();
  }

  /**
   * Draining loses nothing: the session is told first and confirms it will push no more; pushes
   * that crossed that message still arrive here first and are queued; then the queue completes,
   * everything queued is written, and the stream ends with UNAVAILABLE. Messages sent after that
   * wait in the session's buffer until the client re-attaches elsewhere.
   */
  private Behavior<Command> onDrain(Drain drain) {
    if (drainReason == null) {
      drainReason = drain.reason();
      session.tell(new PeerSession.Detach(getContext().getSelf(), true));
      timers.startSingleTimer(DrainTimedOut.INSTANCE, DRAIN_CONFIRM_TIMEOUT);
    }
    return this;
  }

  private Behavior<Command> onDetached() {
    return finishDrain();
  }

  private Behavior<Command> onDrainTimedOut() {
    // The session's node may be gone; end the stream anyway.
    return finishDrain();
  }

  private Behavior<Command> finishDrain() {
    ending.complete(Optional.of(new GrpcServiceException(Status.UNAVAILABLE.withDescription(drainReason))));
    queue.complete();
    return Behaviors.stopped();
  }

  private Behavior<Command> onStreamTerminated() {
    session.tell(new PeerSession.Detach(getContext().getSelf()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onReattach() {
    session.tell(new PeerSession.Attach(getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onAttachTimedOut() {
    if (attached) {
      return this;
    }
    metrics.registrationFailed("failed_registration");
    registered.completeExceptionally(
        new GrpcServiceException(Status.INTERNAL.withDescription("error while registering message listener")));
    ending.complete(Optional.empty());
    queue.complete();
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    ending.complete(Optional.empty());
    registry.remove(getContext().getSelf());
    if (attached) {
      metrics.streamEnded((System.nanoTime() - openedAtNanos) / 1e9);
    } else if (!registered.isDone()) {
      registered.completeExceptionally(
          new GrpcServiceException(Status.UNAVAILABLE.withDescription("stream closed before registration")));
    }
    getContext().getLog().debug("Signal stream of peer [{}] ended", peerKey);
    return this;
  }
}
