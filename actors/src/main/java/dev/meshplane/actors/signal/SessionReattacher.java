package dev.meshplane.actors.signal;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Keeps sessions and this node's streams together when sessions move. Sharding restarts a session
 * elsewhere when its node is removed or its shard is rebalanced, and the new session knows no
 * stream: until a stream re-attaches, messages for that peer wait in the new session's buffer.
 * Streams re-attach at once when a member is removed or comes up, and on a slow tick in case a
 * move happened without a membership change.
 */
public final class SessionReattacher extends AbstractBehavior<SessionReattacher.Command> {

  public sealed interface Command permits MembershipChanged, Tick {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** Rebalancing moves shards some seconds after a join; re-attach again once it likely settled. */
  private static final Duration AFTER_REBALANCE = Duration.ofSeconds(12);

  public static Behavior<Command> create(ConnectionRegistry registry, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SessionReattacher(ctx, timers, registry, interval)));
  }

  private final ConnectionRegistry registry;
  private final TimerScheduler<Command> timers;

  private SessionReattacher(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, ConnectionRegistry registry, Duration interval) {
    super(ctx);
    this.registry = registry;
    this.timers = timers;
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new), ClusterEvent.MemberEvent.class));
    timers.startTimerWithFixedDelay("periodic", Tick.INSTANCE, interval);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged changed) {
    if (changed.event() instanceof ClusterEvent.MemberRemoved || changed.event() instanceof ClusterEvent.MemberUp) {
      getContext().getLog().debug("Membership changed ({}); re-attaching {} streams", changed.event(), registry.size());
      registry.reattachAll();
      timers.startSingleTimer("after-rebalance", Tick.INSTANCE, AFTER_REBALANCE);
    }
    return this;
  }

  private Behavior<Command> onTick() {
    registry.reattachAll();
    return this;
  }
}
