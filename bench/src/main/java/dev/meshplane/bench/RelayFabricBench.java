package dev.meshplane.bench;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.bench.RelayLoad.Measurement;
import dev.meshplane.bench.RelayLoad.Result;
import dev.meshplane.relay.RelayServer;
import dev.meshplane.relay.fabric.FabricSettings;
import dev.meshplane.relay.fabric.FabricStats;
import dev.meshplane.relay.fabric.RelayFabric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code ./meshplane bench relay-fabric}: what the inter-node fabric adds to a relayed packet.
 *
 * <p>One JVM, one actor system, two relay nodes on 127.0.0.1, each a {@link RelayServer} with its
 * own {@link RelayFabric} (signed HELLO), each listing the other as its only member. Once both
 * fabrics report a live stream to each other, three variants take turns in {@code --rounds}
 * rounds, with the load of {@code bench relay} ({@link RelayLoad}: {@code --pairs} sender/receiver
 * pairs on the JDK WebSocket client, 1400-byte packets carrying their send time):
 * <ul>
 *   <li>cross-node: senders on node 1, receivers on node 2, so every packet goes peer → node 1 →
 *       fabric FWD over TCP → node 2 → peer;</li>
 *   <li>same-node: senders and receivers on node 1 (the fabric is attached but unused);</li>
 *   <li>the loopback TCP pump of {@code bench relay}: one copy loop between two sockets.</li>
 * </ul>
 * Each round runs every variant saturated (senders push as fast as their sockets take it;
 * throughput) and then paced at {@link RelayLoad#PACED_RATE} packets/s per pair (one-way latency
 * of a lightly loaded path), on fresh peers. Alternating keeps machine noise on all variants
 * alike; the variant order rotates every round. A shorter warm-up round of the same sequence comes
 * first and is not counted. Per variant, the rounds are pooled: packets and seconds add up,
 * latency samples are merged. The paced p50 difference between cross-node and same-node is the
 * cost of the fabric hop, printed next to openzro's budget for it.
 *
 * <p>Drops printed per relay variant are counter deltas over both nodes: {@code queue_full} (a
 * receiver's relay queue), {@code fabric_queue_full} (a fabric stream's outbound queue,
 * {@code relay_cluster_forwards_total{result="send_error"}}) and {@code fabric_unrouted}
 * ({@code peer_not_found} + {@code stream_gone}; must stay 0 here).
 */
public final class RelayFabricBench {

  static final String USAGE =
      "usage: ./meshplane bench relay-fabric [--pairs P] [--seconds S] [--rounds R]\n"
          + "  --pairs   sender/receiver pairs per variant (default 4)\n"
          + "  --seconds measured time per variant in each phase (saturated, paced),\n"
          + "            split over the rounds (default 6)\n"
          + "  --rounds  the variants take turns this many times (default 3)";

  /** openzro ADR-0014, "Performance budget": inter-pod forward, per packet. */
  static final String OPENZRO_BUDGET = "0.2-0.4 ms (200-400 us) per packet";

  /**
   * Measured seconds per variant and phase in the warm-up round. That round runs exactly what the
   * others do and is not counted: on a busy 2-core machine the JIT keeps compiling Pekko, the relay
   * and the fabric for the first half minute or so, and the first round is always the slowest.
   */
  private static final int WARMUP_ROUND_SECONDS = 1;
  /** Unmeasured start of every run on fresh peers: connections get going, pipes fill. */
  private static final long WARMUP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** Both fabrics must show their stream this long without a change before measuring starts. */
  private static final long STREAM_STABLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long STREAM_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final String FABRIC_SECRET = "bench-fabric-secret";

  enum Variant {
    CROSS("relay cross-node (fabric)", "cross"),
    SAME("relay same-node", "same"),
    TCP("loopback TCP pump", "tcp");

    final String label;
    /** For the per-round progress line. */
    final String shortName;

    Variant(String label, String shortName) {
      this.label = label;
      this.shortName = shortName;
    }
  }

  /** One relay node: relay listener, fabric and their metrics. */
  private record Node(RelayServer server, RelayFabric fabric, PrometheusRegistry registry) {
    URI uri() {
      return RelayLoad.relayUri(server);
    }
  }

  /** Counters that show packets lost inside the relays, summed over both nodes. */
  private record Drops(double queueFull, long fabricQueueFull, long fabricUnrouted) {
    static Drops read(Node... nodes) {
      double queueFull = 0;
      long fabricQueueFull = 0;
      long fabricUnrouted = 0;
      for (Node node : nodes) {
        queueFull += RelayLoad.queueFullDrops(node.registry());
        FabricStats stats = node.fabric().stats();
        fabricQueueFull += stats.forwardsSendError();
        fabricUnrouted += stats.forwardsPeerNotFound() + stats.forwardsStreamGone();
      }
      return new Drops(queueFull, fabricQueueFull, fabricUnrouted);
    }

    Drops minus(Drops before) {
      return new Drops(queueFull - before.queueFull, fabricQueueFull - before.fabricQueueFull,
          fabricUnrouted - before.fabricUnrouted);
    }

    Drops plus(Drops other) {
      return new Drops(queueFull + other.queueFull, fabricQueueFull + other.fabricQueueFull,
          fabricUnrouted + other.fabricUnrouted);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "drops: queue_full=%.0f fabric_queue_full=%d fabric_unrouted=%d",
          queueFull, fabricQueueFull, fabricUnrouted);
    }
  }

  /** One phase (saturated or paced): every variant's rounds and relay drops. */
  private static final class Phase {
    final Map<Variant, List<Result>> rounds = new EnumMap<>(Variant.class);
    final Map<Variant, Drops> drops = new EnumMap<>(Variant.class);

    void add(Variant variant, Result round, Drops dropped) {
      rounds.computeIfAbsent(variant, v -> new ArrayList<>()).add(round);
      drops.merge(variant, dropped, Drops::plus);
    }

    Result total(Variant variant) {
      Result total = Result.combine(rounds.get(variant));
      if (variant != Variant.TCP) {
        total.note = drops.get(variant).toString();
      }
      return total;
    }
  }

  private RelayFabricBench() {
  }

  public static void main(String[] args) throws Exception {
    int pairs = 4;
    int seconds = 6;
    int rounds = 3;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--pairs" -> pairs = positive(args, ++i);
          case "--seconds" -> seconds = positive(args, ++i);
          case "--rounds" -> rounds = positive(args, ++i);
          case "-h", "--help" -> {
            System.out.println(USAGE);
            return;
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    long started = System.nanoTime();
    int secondsPerRound = Math.max(1, seconds / rounds);
    // Read by logback.xml when the first logger is created: keep the report readable.
    System.setProperty("meshplane.log.level", "WARN");

    System.out.printf(Locale.ROOT,
        "RelayFabricBench: %d pairs, %d-byte payloads, %d rounds x %d s measured per variant and phase"
            + " (saturated, then paced at %d packets/s per pair) after a %d s warm-up round, 2 relay nodes + fabric"
            + " in one JVM, loopback, %d cores%n",
        pairs, RelayLoad.PAYLOAD, rounds, secondsPerRound, RelayLoad.PACED_RATE, WARMUP_ROUND_SECONDS,
        Runtime.getRuntime().availableProcessors());

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "relay-fabric-bench",
        ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    List<Node> nodes = new ArrayList<>();
    int exit = 0;
    try {
      Node node1 = startNode(system);
      nodes.add(node1);
      Node node2 = startNode(system);
      nodes.add(node2);
      node1.fabric().setMembers("static", Set.of(node2.fabric().announceAddress()));
      node2.fabric().setMembers("static", Set.of(node1.fabric().announceAddress()));
      long waited = awaitStreams(node1, node2);
      System.out.printf(Locale.ROOT, "node 1: relay %s, fabric %s; node 2: relay %s, fabric %s; stream up after %d ms%n",
          node1.uri(), node1.fabric().announceAddress(), node2.uri(), node2.fabric().announceAddress(),
          TimeUnit.NANOSECONDS.toMillis(waited));

      HttpClient http = HttpClient.newHttpClient();
      Variant[] variants = Variant.values();
      Phase saturated = new Phase();
      Phase paced = new Phase();
      // Round 0 is the warm-up round: same sequence, shorter, results discarded.
      for (int round = 0; round <= rounds; round++) {
        boolean counted = round > 0;
        int measured = counted ? secondsPerRound : WARMUP_ROUND_SECONDS;
        Phase saturatedRound = counted ? saturated : new Phase();
        Phase pacedRound = counted ? paced : new Phase();
        StringBuilder line = new StringBuilder(counted
            ? String.format(Locale.ROOT, "round %d/%d:", round, rounds) : "warm-up round (not counted):");
        for (int k = 0; k < variants.length; k++) {
          Variant variant = variants[(round + k) % variants.length];
          Result result = run(variant, http, node1, node2, "r" + round + "-sat", pairs, measured, 0,
              WARMUP_NANOS, saturatedRound);
          line.append(String.format(Locale.ROOT, "  %s %,.0f packets/s", variant.shortName, result.packetsPerSecond()));
        }
        line.append("  | paced p50");
        for (int k = 0; k < variants.length; k++) {
          Variant variant = variants[(round + k) % variants.length];
          Result result = run(variant, http, node1, node2, "r" + round + "-paced", pairs, measured,
              RelayLoad.PACED_RATE, WARMUP_NANOS, pacedRound);
          line.append(String.format(Locale.ROOT, "  %s %,.0f us", variant.shortName, result.percentileMicros(50)));
        }
        System.out.println(line);
      }

      System.out.printf(Locale.ROOT, "saturated (senders push as fast as their sockets take it), %d s per variant:%n",
          rounds * secondsPerRound);
      report(saturated);
      System.out.printf(Locale.ROOT, "paced (%d packets/s per pair), %d s per variant:%n", RelayLoad.PACED_RATE,
          rounds * secondsPerRound);
      Result[] pacedTotals = report(paced);
      Result cross = pacedTotals[Variant.CROSS.ordinal()];
      Result same = pacedTotals[Variant.SAME.ordinal()];
      System.out.printf(Locale.ROOT,
          "  added by the fabric hop (paced, cross-node minus same-node): p50 %+,.0f us, p99 %+,.0f us;"
              + " openzro's budget for the cross-pod hop (ADR-0014): %s%n",
          cross.percentileMicros(50) - same.percentileMicros(50), cross.percentileMicros(99) - same.percentileMicros(99),
          OPENZRO_BUDGET);
      System.out.printf(Locale.ROOT, "run took %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      if (cross.packets == 0) {
        System.out.println("no packet crossed the fabric");
        exit = 1;
      }
    } finally {
      for (Node node : nodes) {
        node.fabric().stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        node.server().stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  /** Prints every variant's pooled rounds and the two ratios; returns the totals by variant ordinal. */
  private static Result[] report(Phase phase) {
    Result[] totals = new Result[Variant.values().length];
    for (Variant variant : Variant.values()) {
      totals[variant.ordinal()] = phase.total(variant);
      totals[variant.ordinal()].print(variant.label);
    }
    RelayLoad.printRatio("cross-node/same-node", totals[Variant.CROSS.ordinal()], totals[Variant.SAME.ordinal()]);
    RelayLoad.printRatio("cross-node/tcp", totals[Variant.CROSS.ordinal()], totals[Variant.TCP.ordinal()]);
    return totals;
  }

  /** One round of one variant; senders are always on node 1. */
  private static Result run(Variant variant, HttpClient http, Node node1, Node node2, String round, int pairs,
      int seconds, int ratePerPair, long warmupNanos, Phase phase) throws Exception {
    Drops before = Drops.read(node1, node2);
    Result result = switch (variant) {
      case CROSS -> RelayLoad.runPeers(http, node1.uri(), node2.uri(), "fabric-" + round + "-cross", pairs,
          new Measurement(seconds, warmupNanos), ratePerPair);
      case SAME -> RelayLoad.runPeers(http, node1.uri(), node1.uri(), "fabric-" + round + "-same", pairs,
          new Measurement(seconds, warmupNanos), ratePerPair);
      case TCP -> RelayLoad.runTcpPump(pairs, seconds, ratePerPair, warmupNanos);
    };
    phase.add(variant, result, Drops.read(node1, node2).minus(before));
    return result;
  }

  private static Node startNode(ActorSystem<?> system) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    RelayServer server = RelayLoad.startRelay(system, registry);
    FabricSettings settings = FabricSettings.fromConfig(ConfigFactory.parseMap(Map.of(
        "meshplane.relay.fabric.host", "127.0.0.1",
        "meshplane.relay.fabric.port", 0,
        "meshplane.relay.fabric.secret", FABRIC_SECRET)));
    RelayFabric fabric = RelayFabric.start(system, settings, "127.0.0.1", server.localPeers(), registry,
        Clock.systemUTC()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.useRemotePeers(fabric);
    return new Node(server, fabric, registry);
  }

  /**
   * Waits until each fabric has exactly one live stream that answered PING (a meshplane node) and
   * that view has not changed for {@link #STREAM_STABLE_NANOS}: both nodes dial each other, and the
   * duplicate rule may close a stream or two before they settle on one.
   *
   * @return nanoseconds waited
   */
  private static long awaitStreams(Node node1, Node node2) throws TimeoutException {
    long start = System.nanoTime();
    String settled = null;
    long settledSince = 0;
    while (System.nanoTime() - start < STREAM_TIMEOUT_NANOS) {
      FabricStats a = node1.fabric().stats();
      FabricStats b = node2.fabric().stats();
      boolean up = a.streams().size() == 1 && a.meshplaneStreams() == 1
          && b.streams().size() == 1 && b.meshplaneStreams() == 1;
      String view = up ? a.streams() + " " + b.streams() : null;
      if (view == null || !view.equals(settled)) {
        settled = view;
        settledSince = System.nanoTime();
      } else if (System.nanoTime() - settledSince >= STREAM_STABLE_NANOS) {
        return settledSince - start;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new TimeoutException("fabric streams not up within " + TimeUnit.NANOSECONDS.toSeconds(STREAM_TIMEOUT_NANOS)
        + " s: node 1 " + node1.fabric().stats() + ", node 2 " + node2.fabric().stats());
  }

  private static int positive(String[] args, int i) {
    int value = Integer.parseInt(args[i]);
    if (value < 1) {
      throw new IllegalArgumentException(args[i - 1] + " must be at least 1");
    }
    return value;
  }
}
