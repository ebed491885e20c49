package dev.meshplane.bootstrap;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when the cluster settles at a size where keep-majority cannot help: with an even number
 * of nodes a partition can split them in equal halves, and below three a single lost node is no
 * majority. Checked a while after the last membership change so joins in progress do not warn.
 */
final class ClusterSizeWarning extends AbstractBehavior<ClusterSizeWarning.Command> {

  sealed interface Command permits MembershipChanged, Check {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command {}

  private enum Check implements Command {
    INSTANCE
  }

  private static final Logger log = LoggerFactory.getLogger(ClusterSizeWarning.class);
  private static final Duration SETTLE = Duration.ofSeconds(30);

  static Behavior<Command> create(String strategy) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ClusterSizeWarning(ctx, timers, strategy)));
  }

  private final TimerScheduler<Command> timers;
  private final Cluster cluster;
  private final String strategy;

  private ClusterSizeWarning(ActorContext<Command> ctx, TimerScheduler<Command> timers, String strategy) {
    super(ctx);
    this.timers = timers;
    this.cluster = Cluster.get(ctx.getSystem());
    this.strategy = strategy;
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new), ClusterEvent.MemberEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessageEquals(Check.INSTANCE, this::onCheck)
        .build();
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged changed) {
    timers.startSingleTimer(Check.INSTANCE, SETTLE);
    return this;
  }

  private Behavior<Command> onCheck() {
    long up = 0;
    for (Member member : cluster.state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    if (up < 3 || up % 2 == 0) {
      log.warn("The cluster has {} nodes up; run an odd number >= 3 so that {} can keep a majority when a"
          + " node or link fails", up, strategy);
    }
    return this;
  }
}
