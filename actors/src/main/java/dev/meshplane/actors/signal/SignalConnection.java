package dev.meshplane.actors.signal;

import dev.meshplane.actors.CborSerializable;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import io.grpc.Status;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * Owns one ConnectStream response stream on this node. Its ref is what a {@link PeerSession}
 * delivers to, so delivery works the same whether the session lives here or on another node.
 * {@link SignalConnections} spawns one per call and the call's edge hears how the registration
 * ended ({@link Registration}).
 *
 * <p>Messages go into a bounded queue that never blocks: a client that stops reading loses
 * messages (counted) rather than stalling its session and every sender behind it.
 */
public final class SignalConnection extends AbstractBehavior<SignalConnection.Command> {

  public sealed interface Command extends CborSerializable
      permits Attached, Push, Replaced, Drain, Detached, Reattach, StreamTerminated, AttachTimedOut, DrainTimedOut,
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

  /**
   * Attach again: the session may have moved (node lost, shard rebalanced) and started fresh
   * without knowing this stream. Harmless when it did not move.
   */
  public enum Reattach implements Command {
    INSTANCE
  }

  /** The response stream ended (client went away, or the stream was completed here). */
  private enum StreamTerminated implements Command {
    INSTANCE
  }

  private enum AttachTimedOut implements Command {
    INSTANCE
  }

  private enum DrainTimedOut implements Command {
    INSTANCE
  }

  private enum RetryAttach implements Command {
    INSTANCE
  }

  /** How the registration of a stream ended: the edge answers the call only once it knows. */
  public sealed interface Registration permits Registered, RegistrationFailed {}

  /** The session accepted the stream: the edge sends the response headers and then the messages. */
  public enum Registered implements Registration {
    INSTANCE
  }

  /** The stream could not register; the edge ends the call with {@code status}. */
  public record RegistrationFailed(Status status) implements Registration {}

  /** What every connection of a node shares. */
  public record Shared(Duration attachTimeout, SignalMetrics metrics) {}

  /**
   * Until the session answers, Attach is sent again this often: the first one may have gone to a
   * node that just died, and its shard answers again only after it is restarted elsewhere.
   */
  private static final Duration ATTACH_RETRY = Duration.ofSeconds(1);

  /** How long a draining stream waits for its session's confirmation before ending anyway. */
  private static final Duration DRAIN_CONFIRM_TIMEOUT = Duration.ofSeconds(2);

  /**
   * @param open the call: peer key, response stream, and who hears how the registration ended
   * @param session the peer's session (through sharding in production)
   */
  public static Behavior<Command> create(
      SignalConnections.Open open, RecipientRef<PeerSession.Command> session, Shared shared) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new SignalConnection(ctx, timers, open, session, shared)));
  }

  private final TimerScheduler<Command> timers;
  private final String peerKey;
  private final ResponseStream stream;
  private final ActorRef<Registration> registration;
  private final RecipientRef<PeerSession.Command> session;
  private final SignalMetrics metrics;
  private final long openedAtNanos = System.nanoTime();
  private boolean attached;
  private boolean registrationAnswered;
  private String drainReason;

  private SignalConnection(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      SignalConnections.Open open,
      RecipientRef<PeerSession.Command> session,
      Shared shared) {
    super(ctx);
    this.timers = timers;
    this.peerKey = open.peerKey();
    this.stream = open.stream();
    this.registration = open.replyTo();
    this.session = session;
    this.metrics = shared.metrics();
    ctx.pipeToSelf(stream.terminated(), (done, failure) -> StreamTerminated.INSTANCE);
    timers.startSingleTimer(AttachTimedOut.INSTANCE, shared.attachTimeout());
    timers.startTimerWithFixedDelay(RetryAttach.INSTANCE, ATTACH_RETRY);
    session.tell(new PeerSession.Attach(ctx.getSelf()));
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
      answerRegistration(Registered.INSTANCE);
    }
    // Later Attached replies come from sessions re-created after a shard moved: nothing to do.
    return this;
  }

  private Behavior<Command> onPush(Push push) {
    QueueOfferResult result = stream.offer(push.message());
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
    stream.complete();
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
      timers.startSingleTimer(DrainTimedOut.INSTANCE, DRAIN_CONFIRM_TIMEOUT);
      session.tell(new PeerSession.Detach(getContext().getSelf(), true));
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
    stream.fail(Status.UNAVAILABLE.withDescription(drainReason));
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
    answerRegistration(new RegistrationFailed(
        Status.INTERNAL.withDescription("error while registering message listener")));
    stream.complete();
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (attached) {
      metrics.streamEnded((System.nanoTime() - openedAtNanos) / 1e9);
    } else {
      answerRegistration(new RegistrationFailed(
          Status.UNAVAILABLE.withDescription("stream closed before registration")));
    }
    getContext().getLog().debug("Signal stream of peer [{}] ended", peerKey);
    return this;
  }

  /** The edge waits for exactly one answer; later ones would go nowhere. */
  private void answerRegistration(Registration answer) {
    if (!registrationAnswered) {
      registrationAnswered = true;
      registration.tell(answer);
    }
  }
}
