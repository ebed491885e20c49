package dev.meshplane.actors.signal;

import dev.meshplane.actors.signal.ConnectionRebalancer.NodeLoad;
import dev.meshplane.actors.signal.ConnectionRebalancer.RebalanceNow;
import dev.meshplane.actors.signal.ConnectionRebalancer.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One rebalancing node with stand-in streams; the other nodes exist only as the load reports they
 * would publish. Each step is taken on {@link RebalanceNow} or, when enabled, on the timer.
 */
class ConnectionRebalancerTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ClusterTestKits.clusterNodeWithManualTime());
  private static final ManualTime manualTime = ManualTime.get(testKit.system());

  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final SignalConnection.Drain DRAIN =
      new SignalConnection.Drain("rebalancing: reconnect to another node");

  private final List<ActorRef<ConnectionRebalancer.Command>> started = new ArrayList<>();

  @AfterEach
  void stopRebalancers() {
    started.forEach(testKit::stop);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<ConnectionRebalancer.Command> rebalancer(StandInStreams streams, boolean enabled, double tolerance,
      int maxPerStep) {
    ActorRef<ConnectionRebalancer.Command> rebalancer = testKit.spawn(ConnectionRebalancer.create(streams.registry,
        new Settings(enabled, tolerance, maxPerStep, INTERVAL)));
    started.add(rebalancer);
    return rebalancer;
  }

  /** What another node publishes: its stream count, sent {@code age} ago. */
  private static NodeLoad load(String node, int streams, Duration age) {
    return new NodeLoad("pekko://meshplane@" + node + ":25520", streams, System.currentTimeMillis() - age.toMillis());
  }

  private static NodeLoad load(String node, int streams) {
    return load(node, streams, Duration.ZERO);
  }

  @Test
  void drainsTheStreamsAboveTheClusterMean() {
    StandInStreams streams = new StandInStreams(testKit, 6);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.4, 10);
    rebalancer.tell(load("10.0.0.2", 2));
    rebalancer.tell(RebalanceNow.INSTANCE);
    // Mean 4, and 6 > 4 * 1.4: the two streams above the mean go.
    streams.expectTold(DRAIN, 2);
  }

  @Test
  void holdsItsStreamsUpToTheTolerance() {
    StandInStreams streams = new StandInStreams(testKit, 6);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.5, 10);
    rebalancer.tell(load("10.0.0.2", 2));
    rebalancer.tell(RebalanceNow.INSTANCE);
    // Mean 4, and 6 = 4 * 1.5 is still within the tolerance.
    streams.expectNothingTold();
  }

  @Test
  void movesAStreamOnlyWhenAWholeOneIsAboveTheMean() {
    StandInStreams streams = new StandInStreams(testKit, 3);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.0, 10);
    rebalancer.tell(load("10.0.0.2", 2));
    rebalancer.tell(RebalanceNow.INSTANCE);
    // Mean 2.5: moving one stream would only put the imbalance on the other node.
    streams.expectNothingTold();

    rebalancer.tell(load("10.0.0.2", 1));
    rebalancer.tell(RebalanceNow.INSTANCE);
    streams.expectTold(DRAIN, 1);
  }

  @Test
  void drainsAtMostMaxPerStepInOneStep() {
    StandInStreams streams = new StandInStreams(testKit, 10);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.2, 3);
    rebalancer.tell(load("10.0.0.2", 0));
    rebalancer.tell(RebalanceNow.INSTANCE);
    // Five above the mean of 5, paced to three.
    streams.expectTold(DRAIN, 3);
  }

  @Test
  void theMeanIsOverEveryNodeAndTheExcessIsRoundedUp() {
    StandInStreams streams = new StandInStreams(testKit, 8);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.2, 10);
    rebalancer.tell(load("10.0.0.2", 3));
    rebalancer.tell(load("10.0.0.3", 0));
    rebalancer.tell(RebalanceNow.INSTANCE);
    // Mean 11 / 3 = 3.67; 8 - 3.67 = 4.33 rounds up to 5.
    streams.expectTold(DRAIN, 5);
  }

  @Test
  void aNodeAtOrBelowTheMeanDrainsNothing() {
    StandInStreams streams = new StandInStreams(testKit, 2);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.0, 10);
    rebalancer.tell(load("10.0.0.2", 10));
    rebalancer.tell(RebalanceNow.INSTANCE);
    streams.expectNothingTold();
  }

  @Test
  void aLoneNodeDrainsNothing() {
    StandInStreams streams = new StandInStreams(testKit, 10);
    rebalancer(streams, false, 0.0, 10).tell(RebalanceNow.INSTANCE);
    streams.expectNothingTold();
  }

  @Test
  void aReportOlderThanThreeIntervalsIsForgotten() {
    StandInStreams streams = new StandInStreams(testKit, 10);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.2, 10);
    // A node that stopped reporting (it left or died) is no reason to give streams away.
    rebalancer.tell(load("10.0.0.2", 0, INTERVAL.multipliedBy(3).plusSeconds(1)));
    rebalancer.tell(RebalanceNow.INSTANCE);
    streams.expectNothingTold();

    rebalancer.tell(load("10.0.0.2", 0, INTERVAL.multipliedBy(2)));
    rebalancer.tell(RebalanceNow.INSTANCE);
    streams.expectTold(DRAIN, 5);
  }

  @Test
  void whenEnabledEveryIntervalTakesAStep() {
    StandInStreams streams = new StandInStreams(testKit, 4);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, true, 0.2, 1);
    rebalancer.tell(load("10.0.0.2", 0));
    manualTime.expectNoMessageFor(INTERVAL.minusMillis(1), streams.probe());
    manualTime.timePasses(Duration.ofMillis(1));
    streams.expectTold(DRAIN, 1);
    // The stand-ins do not go away when drained, so the next tick finds the same excess.
    rebalancer.tell(load("10.0.0.2", 0));
    manualTime.timePasses(INTERVAL);
    streams.expectTold(DRAIN, 1);
  }

  @Test
  void whenDisabledOnlyAManualStepDrains() {
    StandInStreams streams = new StandInStreams(testKit, 4);
    ActorRef<ConnectionRebalancer.Command> rebalancer = rebalancer(streams, false, 0.2, 10);
    rebalancer.tell(load("10.0.0.2", 0));
    manualTime.expectNoMessageFor(INTERVAL.multipliedBy(2), streams.probe());
    rebalancer.tell(RebalanceNow.INSTANCE);
    streams.expectTold(DRAIN, 2);
  }
}
