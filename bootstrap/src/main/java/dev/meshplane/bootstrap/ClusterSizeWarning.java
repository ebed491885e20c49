package dev.meshplane.bootstrap;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
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
final class ClusterSizeWarning {

  private static final Logger log = LoggerFactory.getLogger(ClusterSizeWarning.class);
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String CHECK = "check";

  private ClusterSizeWarning() {}

  static Behavior<Object> create(String strategy) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
      return Behaviors.withTimers(timers -> Behaviors.receiveMessage(message -> {
        if (message instanceof ClusterEvent.MemberEvent) {
          timers.startSingleTimer(CHECK, CHECK, SETTLE);
        } else if (CHECK.equals(message)) {
          long up = 0;
          for (org.apache.pekko.cluster.Member member : cluster.state().getMembers()) {
            if (member.status() == MemberStatus.up()) {
              up++;
            }
          }
          if (up < 3 || up % 2 == 0) {
            log.warn("The cluster has {} nodes up; run an odd number >= 3 so that {} can keep a majority when a"
                + " node or link fails", up, strategy);
          }
        }
        return Behaviors.same();
      }));
    });
  }
}
