package dev.meshplane.actors.signal;

import dev.meshplane.actors.CborSerializable;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The one place in the cluster that knows where a peer's signal stream is. Keyed by the peer's
 * WireGuard public key; cluster sharding routes every message for that key here from any node.
 *
 * <p>State is soft: the attached connection and a short buffer. A newer attachment replaces the
 * older one (whose stream is completed, so a reconnecting client is not left with a zombie). With
 * no attachment, messages wait in a buffer bounded by count, bytes and age, and by the node's
 * {@link SignalByteBudget}; beyond those they are dropped and counted.
 */
public final class PeerSession extends AbstractBehavior<PeerSession.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "PeerSession");

  /** Pekko cluster role of nodes that run the signal service. */
  public static final String ROLE = "signal";

  public sealed interface Command extends CborSerializable
      permits Attach, Detach, Deliver, Stop, ConnectionTerminated, ExpireBuffer, IdleCheck {}

  /** A stream for this peer opened on some node; replaces any earlier one. */
  public record Attach(ActorRef<SignalConnection.Command> connection) implements Command {}

  /**
   * The stream ends; ignored unless it is still the attached one. With {@code confirm} the session
   * answers {@link SignalConnection.Detached} once it will push no more, so a draining stream can
   * flush what it has and lose nothing in between.
   */
  public record Detach(ActorRef<SignalConnection.Command> connection, boolean confirm) implements Command {
    public Detach(ActorRef<SignalConnection.Command> connection) {
      this(connection, false);
    }
  }

  /**
   * A serialized {@code EncryptedMessage} addressed to this peer, relayed byte-identical. With a
   * {@code replyTo} the session answers {@link Accepted} once it took responsibility (pushed to the
   * stream or buffered); senders retry until then, so a message sent to a session on a node that
   * just died is re-sent to the session's new home. {@code messageId} lets the session drop such
   * retries when the first attempt did arrive.
   */
  public record Deliver(byte[] message, long messageId, ActorRef<Accepted> replyTo) implements Command {
    /** Fire-and-forget delivery (messages written on a stream). */
    public Deliver(byte[] message) {
      this(message, 0L, null);
    }
  }

  /** The session took responsibility for message {@code messageId}. */
  public record Accepted(long messageId) implements CborSerializable {}

  /** Sharding's stop message, used on passivation and hand-off. */
  public enum Stop implements Command {
    INSTANCE
  }

  private record ConnectionTerminated(ActorRef<SignalConnection.Command> connection)
      implements Command {}

  private enum ExpireBuffer implements Command {
    INSTANCE
  }

  private enum IdleCheck implements Command {
    INSTANCE
  }

  private record Buffered(byte[] message, long expiresAtNanos) {}

  /** Acknowledged message ids remembered to drop retries; retries come within seconds. */
  private static final int RECENT_IDS = 512;

  /** Insertion-ordered set that forgets its oldest entry beyond a capacity. */
  private static final class RecentIds extends LinkedHashSet<Long> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    RecentIds(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public boolean add(Long id) {
      boolean added = super.add(id);
      if (added && size() > capacity) {
        remove(iterator().next());
      }
      return added;
    }
  }

  /** Registers the entity type on this node; every node that serves signal calls it once. */
  public static ActorRef<ShardingEnvelope<Command>> initSharding(
          ActorSystem<?> system,
          SignalSettings settings,
          SignalMetrics metrics,
          SignalByteBudget budget) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    ctx -> create(ctx.getEntityId(), settings, metrics, budget, ctx.getShard(), System::nanoTime,
                        deliver -> ClusterSharding.get(system).entityRefFor(TYPE_KEY, ctx.getEntityId()).tell(deliver)))
                .withStopMessage(Stop.INSTANCE)
                // Sessions and their coordinator live only on nodes that serve signal; relay-only
                // nodes of a mixed fleet never host them.
                .withRole(ROLE));
  }

  public static Behavior<Command> create(
      String peerKey,
      SignalSettings settings,
      SignalMetrics metrics,
      SignalByteBudget budget,
      ActorRef<ClusterSharding.ShardCommand> shard,
      LongSupplier nanoClock,
      Consumer<Deliver> successor) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(
            timers -> new PeerSession(ctx, timers, peerKey, settings, metrics, budget, shard, nanoClock, successor)));
  }

  private final TimerScheduler<Command> timers;
  private final String peerKey;
  private final SignalSettings settings;
  private final SignalMetrics metrics;
  private final SignalByteBudget budget;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final LongSupplier nanoClock;
  private final Consumer<Deliver> successor;
  private final Deque<Buffered> buffer = new ArrayDeque<>();
  private final RecentIds recentIds = new RecentIds(RECENT_IDS);
  private ActorRef<SignalConnection.Command> connection;
  private long bufferedBytes;

  private PeerSession(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String peerKey,
      SignalSettings settings,
      SignalMetrics metrics,
      SignalByteBudget budget,
      ActorRef<ClusterSharding.ShardCommand> shard,
      LongSupplier nanoClock,
      Consumer<Deliver> successor) {
    super(ctx);
    this.budget = budget;
    this.successor = successor;
    this.timers = timers;
    this.peerKey = peerKey;
    this.settings = settings;
    this.metrics = metrics;
    this.shard = shard;
    this.nanoClock = nanoClock;
    scheduleIdleCheck();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Detach.class, this::onDetach)
        .onMessage(ConnectionTerminated.class, this::onConnectionTerminated)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessageEquals(ExpireBuffer.INSTANCE, this::onExpireBuffer)
        .onMessageEquals(IdleCheck.INSTANCE, this::onIdleCheck)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .build();
  }

  private Behavior<Command> onAttach(Attach attach) {
    if (connection != null && !connection.equals(attach.connection())) {
      getContext().unwatch(connection);
      connection.tell(SignalConnection.Replaced.INSTANCE);
      metrics.replaced();
      getContext().getLog().info("Peer [{}] attached a newer stream; the older one is completed", peerKey);
    }
    if (!attach.connection().equals(connection)) {
      connection = attach.connection();
      getContext().watchWith(connection, new ConnectionTerminated(connection));
    }
    connection.tell(new SignalConnection.Attached(peerKey));
    timers.cancel(IdleCheck.INSTANCE);
    flushBuffer();
    return this;
  }

  private Behavior<Command> onDetach(Detach detach) {
    clearIfCurrent(detach.connection());
    if (detach.confirm()) {
      detach.connection().tell(SignalConnection.Detached.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onConnectionTerminated(ConnectionTerminated terminated) {
    // The connection actor stopped (stream ended, or its node died): never deliver to it again.
    return clearIfCurrent(terminated.connection());
  }

  private Behavior<Command> clearIfCurrent(ActorRef<SignalConnection.Command> ref) {
    if (ref.equals(connection)) {
      getContext().unwatch(connection);
      connection = null;
      scheduleIdleCheck();
    }
    return this;
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    if (deliver.replyTo() != null) {
      deliver.replyTo().tell(new Accepted(deliver.messageId()));
      if (!recentIds.add(deliver.messageId())) {
        return this; // a retry of a message this session already took
      }
    }
    if (connection != null) {
      connection.tell(new SignalConnection.Push(deliver.message()));
      return this;
    }
    if (settings.bufferMaxMessages() == 0 || settings.bufferMaxBytes() == 0) {
      metrics.dropped(DropReason.NOT_CONNECTED);
      return this;
    }
    int size = deliver.message().length;
    if (size > settings.bufferMaxBytes()) {
      metrics.dropped(DropReason.BUFFER_FULL);
      return this;
    }
    // The oldest message is the least useful: ICE candidates go stale, offers get retried.
    while (buffer.size() >= settings.bufferMaxMessages() || bufferedBytes + size > settings.bufferMaxBytes()) {
      removeOldest();
      metrics.dropped(DropReason.BUFFER_FULL);
    }
    if (!budget.tryReserve(size)) {
      metrics.dropped(DropReason.NODE_BUFFER_FULL);
      return this;
    }
    buffer.addLast(new Buffered(deliver.message(), nanoClock.getAsLong() + settings.bufferMaxAge().toNanos()));
    bufferedBytes += size;
    metrics.buffered();
    scheduleExpiry();
    timers.cancel(IdleCheck.INSTANCE);
    return this;
  }

  private Behavior<Command> onExpireBuffer() {
    dropExpired();
    scheduleExpiry();
    if (buffer.isEmpty() && connection == null) {
      scheduleIdleCheck();
    }
    return this;
  }

  private Behavior<Command> onIdleCheck() {
    if (connection == null && buffer.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
    return this;
  }

  /**
   * Sharding stops a session to hand its shard to another node (or to passivate it, with an empty
   * buffer). Buffered messages go to the successor through sharding, which holds them until the
   * shard runs on its new node: a rolling restart moves sessions without losing what they held.
   */
  private Behavior<Command> onStop() {
    dropExpired();
    if (!buffer.isEmpty()) {
      metrics.unbuffered(buffer.size());
      getContext().getLog().debug("Peer [{}] session hands {} buffered messages to its successor", peerKey,
          buffer.size());
      for (Buffered b : buffer) {
        successor.accept(new Deliver(b.message()));
      }
      clearBuffer();
    }
    return Behaviors.stopped();
  }

  private void flushBuffer() {
    dropExpired();
    metrics.unbuffered(buffer.size());
    for (Buffered b : buffer) {
      connection.tell(new SignalConnection.Push(b.message()));
    }
    clearBuffer();
    timers.cancel(ExpireBuffer.INSTANCE);
  }

  private void dropExpired() {
    long now = nanoClock.getAsLong();
    while (!buffer.isEmpty() && buffer.peekFirst().expiresAtNanos() - now <= 0) {
      removeOldest();
      metrics.dropped(DropReason.BUFFER_EXPIRED);
    }
  }

  private void removeOldest() {
    int size = buffer.pollFirst().message().length;
    bufferedBytes -= size;
    budget.release(size);
    metrics.unbuffered(1);
  }

  /** Forgets the buffer's messages once they were handed on; the caller counted them. */
  private void clearBuffer() {
    budget.release(bufferedBytes);
    bufferedBytes = 0;
    buffer.clear();
  }

  private void scheduleExpiry() {
    if (buffer.isEmpty()) {
      timers.cancel(ExpireBuffer.INSTANCE);
      return;
    }
    if (!timers.isTimerActive(ExpireBuffer.INSTANCE)) {
      long wait = Math.max(0, buffer.peekFirst().expiresAtNanos() - nanoClock.getAsLong());
      timers.startSingleTimer(ExpireBuffer.INSTANCE, Duration.ofNanos(wait));
    }
  }

  private void scheduleIdleCheck() {
    timers.startSingleTimer(IdleCheck.INSTANCE, settings.idlePassivation());
  }
}
