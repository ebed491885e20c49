package dev.meshplane.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.bootstrap.MeshplaneNode;
import dev.meshplane.bootstrap.NodeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./meshplane bench signal}: the same signalling load through one meshplane node and
 * through a plain grpc-java echo server, in one run, and the ratio between them. Absolute numbers
 * depend on the machine; the ratio is what to compare between builds.
 *
 * <p>Load: P pairs of peers, each peer a ConnectStream on its own connection. Each peer writes
 * ~200-byte messages on its stream addressed to its partner, with at most W in flight, and the
 * partner times them on arrival. Against the echo server each stream gets its own messages back,
 * so both systems move the same messages over the same number of loopback hops.
 *
 * <p>The systems take turns in short rounds, each on fresh streams, so a change in background
 * load hits both. Both servers run in this JVM, on the same cores as the clients.
 *
 * <p>Exits 0 after a correct run, 1 if any message was lost or arrived at the wrong peer.
 */
public final class SignalBench {

  private SignalBench() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(SignalBenchOptions.USAGE);
      return;
    }
    SignalBenchOptions options;
    try {
      options = SignalBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // Read by the node's logback.xml when the first logger is created: keep the table readable.
    System.setProperty("meshplane.log.level", "WARN");

    System.out.printf(Locale.ROOT,
        "signal bench: %d pairs (%d streams, one connection each), window %d per stream, %d-byte bodies,"
            + " %d s measured per system in %d alternating rounds after %d s warmup, loopback, %d cores%n",
        options.pairs(), 2 * options.pairs(), options.window(), SignalFlow.BODY_BYTES,
        options.seconds(), options.rounds(), options.warmupSeconds(),
        Runtime.getRuntime().availableProcessors());

    SignalLoad load = new SignalLoad(options);
    List<SignalFlowResult> meshplaneFlows = new ArrayList<>();
    List<SignalFlowResult> baselineFlows = new ArrayList<>();
    System.err.println("starting a meshplane node and the grpc-java echo server...");
    MeshplaneNode node = MeshplaneNode.start(nodeConfig());
    try (SignalEchoServer echo = SignalEchoServer.start()) {
      // Short alternating rounds rather than one long run each: on a shared machine the
      // background load changes by the minute, and both systems should see the same.
      for (int round = 0; round < options.rounds(); round++) {
        long warmup = options.warmupMillisBefore(round);
        long measured = options.measuredMillisPerRound();
        System.err.printf(Locale.ROOT, "round %d/%d: meshplane%n", round + 1, options.rounds());
        meshplaneFlows.addAll(load.round(node.signalPort(), SignalRouting.TO_PARTNER, warmup, measured));
        System.err.printf(Locale.ROOT, "round %d/%d: grpc-java echo%n", round + 1, options.rounds());
        baselineFlows.addAll(load.round(echo.port(), SignalRouting.ECHOED, warmup, measured));
      }
    } finally {
      node.shutdown();
    }

    double measuredSeconds = options.rounds() * options.measuredMillisPerRound() / 1000.0;
    SignalRunResult meshplane = SignalRunResult.of("meshplane", options.pairs(), measuredSeconds, meshplaneFlows);
    SignalRunResult baseline = SignalRunResult.of("grpc-java echo", options.pairs(), measuredSeconds, baselineFlows);
    SignalReport.print(System.out, meshplane, baseline);
    boolean correct = meshplane.lost() == 0 && meshplane.misrouted() == 0
        && baseline.lost() == 0 && baseline.misrouted() == 0;
    System.exit(correct ? 0 : 1);
  }

  /** A signal-only node on loopback, quiet logs, ephemeral ports. */
  static Config nodeConfig() throws IOException {
    // A concrete free port, as the node's own tests give it.
    return nodeConfig(freeLoopbackPort());
  }

  /** As {@link #nodeConfig()} with the given management port, which other nodes may need to know. */
  static Config nodeConfig(int managementPort) {
    return ConfigFactory.parseMap(Map.of(
            "meshplane.host", "127.0.0.1",
            "meshplane.bind-host", "127.0.0.1",
            "meshplane.roles", "signal",
            "meshplane.signal.port", 0,
            "meshplane.metrics.port", 0,
            "meshplane.remoting.port", 0,
            "meshplane.management.port", managementPort,
            "meshplane.log.level", "WARN"),
        "signal bench")
        .withFallback(NodeConfig.load(Optional.empty(), Map.of()));
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
