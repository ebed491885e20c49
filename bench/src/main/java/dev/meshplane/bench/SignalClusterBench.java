package dev.meshplane.bench;

import dev.meshplane.bootstrap.MeshplaneNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./meshplane bench signal-cluster}: what crossing nodes costs. The load of
 * {@code ./meshplane bench signal} (meshplane side) runs, in one run and in alternating rounds, on
 * a single node and on a three-node cluster where the two peers of every pair are connected to
 * different nodes, and the two are printed side by side with their ratio.
 *
 * <p>In the cluster the first peer of each pair connects to node 1 and its partner to node 3.
 * The destination's session lives on whichever node sharding put it, so a message takes one
 * remoting hop (session on the sender's or the receiver's node) or two (session on node 2), and
 * every hop serializes the message. All four nodes and the clients share this JVM and its cores,
 * so absolute numbers are low; compare the ratio between builds.
 *
 * <p>Exits 0 after a correct run, 1 if any message was lost or arrived at the wrong peer.
 */
public final class SignalClusterBench {

  static final String USAGE =
      "usage: ./meshplane bench signal-cluster [--pairs P] [--seconds S] [--warmup S] [--window W] [--rounds R]\n"
          + "  --pairs   peer pairs; each pair is two streams sending to each other, in the cluster\n"
          + "            one on node 1 and one on node 3 (default 8)\n"
          + "  --seconds measured time per setup, split over the rounds (default 10)\n"
          + "  --warmup  unmeasured load before each setup's first round (default 3)\n"
          + "  --window  most messages in flight per sending stream (default 64)\n"
          + "  --rounds  the setups take turns this many times, so both see the same\n"
          + "            background load on a shared machine (default 5)";

  private static final int CLUSTER_SIZE = 3;
  private static final String SINGLE = "1 node";
  private static final String CLUSTER = "3 nodes, cross-node";

  private SignalClusterBench() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    SignalBenchOptions options;
    try {
      options = SignalBenchOptions.parse(args, USAGE);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // Read by the nodes' logback.xml when the first logger is created: keep the table readable.
    System.setProperty("meshplane.log.level", "WARN");

    System.out.printf(Locale.ROOT,
        "signal cluster bench: %d pairs (%d streams, one connection each), window %d per stream,"
            + " %d-byte bodies, %d s measured per setup in %d alternating rounds after %d s warmup,"
            + " 1 node vs %d nodes (pairs split between node 1 and node %d), all in one JVM, loopback, %d cores%n",
        options.pairs(), 2 * options.pairs(), options.window(), SignalFlow.BODY_BYTES,
        options.seconds(), options.rounds(), options.warmupSeconds(), CLUSTER_SIZE, CLUSTER_SIZE,
        Runtime.getRuntime().availableProcessors());

    SignalLoad load = new SignalLoad(options);
    List<SignalFlowResult> singleFlows = new ArrayList<>();
    List<SignalFlowResult> clusterFlows = new ArrayList<>();
    System.err.println("starting a single node...");
    MeshplaneNode single = MeshplaneNode.start(SignalBench.nodeConfig());
    try {
      System.err.printf(Locale.ROOT, "starting %d nodes and waiting for them to form a cluster...%n", CLUSTER_SIZE);
      try (SignalCluster cluster = SignalCluster.start(CLUSTER_SIZE)) {
        int first = cluster.node(0).signalPort();
        int last = cluster.node(cluster.size() - 1).signalPort();
        // Short alternating rounds rather than one long run each: on a shared machine the
        // background load changes by the minute, and both setups should see the same.
        for (int round = 0; round < options.rounds(); round++) {
          long warmup = options.warmupMillisBefore(round);
          long measured = options.measuredMillisPerRound();
          System.err.printf(Locale.ROOT, "round %d/%d: %s%n", round + 1, options.rounds(), SINGLE);
          singleFlows.addAll(load.round(single.signalPort(), SignalRouting.TO_PARTNER, warmup, measured));
          System.err.printf(Locale.ROOT, "round %d/%d: %s%n", round + 1, options.rounds(), CLUSTER);
          clusterFlows.addAll(load.round(first, last, SignalRouting.TO_PARTNER, warmup, measured));
        }
        System.err.println("stopping the nodes...");
      }
    } finally {
      single.shutdown();
    }

    double measuredSeconds = options.rounds() * options.measuredMillisPerRound() / 1000.0;
    SignalRunResult clustered = SignalRunResult.of(CLUSTER, options.pairs(), measuredSeconds, clusterFlows);
    SignalRunResult alone = SignalRunResult.of(SINGLE, options.pairs(), measuredSeconds, singleFlows);
    SignalReport.print(System.out, "setup", "3-node cross-node / single node", clustered, alone);
    boolean correct = clustered.lost() == 0 && clustered.misrouted() == 0
        && alone.lost() == 0 && alone.misrouted() == 0;
    System.exit(correct ? 0 : 1);
  }
}
