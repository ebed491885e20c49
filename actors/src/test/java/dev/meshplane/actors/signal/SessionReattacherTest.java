package dev.meshplane.actors.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.testkit.Await;
import java.time.Duration;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.Test;

/**
 * Streams re-attach on a timer, when a member comes up or is removed, and once more after a
 * membership change has had time to move shards. Timers run on manual time; membership changes
 * come from real clusters of one and two nodes.
 */
class SessionReattacherTest {

  /** Longer than anything else a test waits for, so only the tick under test can fire. */
  private static final Duration LONG_INTERVAL = Duration.ofHours(1);
  /** SessionReattacher.AFTER_REBALANCE. */
  private static final Duration AFTER_REBALANCE = Duration.ofSeconds(12);
  private static final Duration CLUSTER_WAIT = Duration.ofSeconds(20);

  @Test
  void everyIntervalEveryStreamIsAskedToReattach() {
    ActorTestKit testKit = ActorTestKit.create(ClusterTestKits.clusterNodeWithManualTime());
    try {
      ManualTime manualTime = ManualTime.get(testKit.system());
      StandInStreams streams = new StandInStreams(testKit, 3);
      Duration interval = Duration.ofSeconds(5);
      testKit.spawn(SessionReattacher.create(streams.registry, interval));

      for (int tick = 0; tick < 2; tick++) {
        manualTime.expectNoMessageFor(interval.minusMillis(1), streams.probe());
        manualTime.timePasses(Duration.ofMillis(1));
        streams.expectEveryStreamTold(SignalConnection.Reattach.INSTANCE, 1);
      }
    } finally {
      testKit.shutdownTestKit();
    }
  }

  @Test
  void aMemberComingUpReattachesAtOnceAndAgainWhenShardsHaveSettled() {
    ActorTestKit testKit = ActorTestKit.create(ClusterTestKits.clusterNodeWithManualTime());
    try {
      ManualTime manualTime = ManualTime.get(testKit.system());
      StandInStreams streams = new StandInStreams(testKit, 2);
      testKit.spawn(SessionReattacher.create(streams.registry, LONG_INTERVAL));
      streams.expectNothingTold();

      // The cluster's own timers run on manual time too: let time pass until this node is Up.
      Cluster cluster = Cluster.get(testKit.system());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      Await.until(CLUSTER_WAIT, "this node Up", () -> {
        manualTime.timePasses(Duration.ofMillis(100));
        return cluster.selfMember().status() == MemberStatus.up();
      });
      streams.expectEveryStreamTold(SignalConnection.Reattach.INSTANCE, 1);

      // Shards move some seconds after a join: every stream re-attaches once more then.
      manualTime.expectNoMessageFor(AFTER_REBALANCE.minusSeconds(1), streams.probe());
      manualTime.timePasses(Duration.ofSeconds(2));
      streams.expectEveryStreamTold(SignalConnection.Reattach.INSTANCE, 1);
    } finally {
      testKit.shutdownTestKit();
    }
  }

  @Test
  void aMemberRemovedReattachesAtOnce() {
    ActorTestKit first = ActorTestKit.create("reattach", ClusterTestKits.clusterNode());
    ActorTestKit second = ActorTestKit.create("reattach", ClusterTestKits.clusterNode());
    try {
      Cluster firstCluster = Cluster.get(first.system());
      TestProbe<ClusterEvent.MemberRemoved> removals = first.createTestProbe();
      firstCluster.subscriptions().tell(Subscribe.create(removals.ref(), ClusterEvent.MemberRemoved.class));
      firstCluster.manager().tell(Join.create(firstCluster.selfMember().address()));
      Cluster.get(second.system()).manager().tell(Join.create(firstCluster.selfMember().address()));
      Await.until(CLUSTER_WAIT, "two members Up",
          () -> firstCluster.state().members().count(member -> member.status() == MemberStatus.up()) == 2);

      StandInStreams streams = new StandInStreams(first, 2);
      first.spawn(SessionReattacher.create(streams.registry, LONG_INTERVAL));
      // Subscribing replays the current members as events: two members Up, two re-attachments.
      streams.expectEveryStreamTold(SignalConnection.Reattach.INSTANCE, 2);

      Address secondAddress = Cluster.get(second.system()).selfMember().address();
      Cluster.get(second.system()).manager().tell(Leave.create(secondAddress));
      assertEquals(secondAddress, removals.expectMessageClass(ClusterEvent.MemberRemoved.class, CLUSTER_WAIT)
          .member().address());
      // Well within AFTER_REBALANCE of the subscription: this is the removal's re-attachment.
      streams.expectEveryStreamTold(SignalConnection.Reattach.INSTANCE, 1);
      assertEquals(1, firstCluster.state().members().size(), "one member left");
    } finally {
      second.shutdownTestKit();
      first.shutdownTestKit();
    }
  }
}
