package dev.meshplane.bench;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.bench.RelayLoad.Measurement;
import dev.meshplane.bench.RelayLoad.Result;
import dev.meshplane.relay.RelayServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Relay throughput and latency on one node against the loopback TCP limit of the same machine.
 *
 * <p>The relay phase starts a relay on 127.0.0.1, connects {@code --pairs} sender/receiver pairs
 * with the JDK WebSocket client, and lets every sender push 1400-byte transport payloads (a
 * WireGuard-sized packet) for {@code --seconds}. Each payload starts with the send time, so the
 * receiver measures one-way latency (same JVM, same clock). The TCP phase pushes the same packets
 * through a plain pump per pair (sender socket → one copy loop → receiver socket), the least any
 * relay on this machine can cost. The ratios of the two are the figures to quote.
 *
 * <p>Both phases first run saturated: senders push as fast as their sockets take it, throughput is
 * what arrives, and latency includes the queueing of a full pipe. Relay drops (queue full) are
 * printed. Then both run again for a few seconds paced at {@link RelayLoad#PACED_RATE} packets/s
 * per pair, which gives the one-way latency of a lightly loaded path.
 *
 * <p>Usage: {@code RelayBench [--seconds N] [--pairs P]} (defaults 10 s, 4 pairs). Load generators
 * and relay share the machine's cores; quote figures with the core count. Peers, pump and
 * measurement live in {@link RelayLoad}, shared with {@link RelayFabricBench}.
 */
public final class RelayBench {

  /** Not measured: the relay path needs a few seconds of traffic before the JIT has compiled it. */
  static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(5);
  static final int PACED_SECONDS = 3;
  static final long PACED_WARMUP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private RelayBench() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    int pairs = 4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--pairs" -> pairs = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: RelayBench [--seconds N] [--pairs P]");
          System.exit(2);
        }
      }
    }
    System.out.printf("RelayBench: %d pairs, %d s measured (+%d s warm-up), %d-byte payloads, %d cores%n",
        pairs, seconds, TimeUnit.NANOSECONDS.toSeconds(WARMUP_NANOS), RelayLoad.PAYLOAD,
        Runtime.getRuntime().availableProcessors());

    System.out.println("saturated (senders push as fast as their sockets take it):");
    Result relay = runRelay(pairs, seconds, 0, WARMUP_NANOS);
    relay.print("relay (WebSocket, 1 node)");
    Result tcp = RelayLoad.runTcpPump(pairs, seconds, 0, WARMUP_NANOS);
    tcp.print("loopback TCP pump");
    RelayLoad.printRatio("relay/tcp", relay, tcp);

    System.out.printf("paced (%d packets/s per pair, %d s):%n", RelayLoad.PACED_RATE, PACED_SECONDS);
    Result relayPaced = runRelay(pairs, PACED_SECONDS, RelayLoad.PACED_RATE, PACED_WARMUP_NANOS);
    relayPaced.print("relay (WebSocket, 1 node)");
    Result tcpPaced = RelayLoad.runTcpPump(pairs, PACED_SECONDS, RelayLoad.PACED_RATE, PACED_WARMUP_NANOS);
    tcpPaced.print("loopback TCP pump");
    RelayLoad.printRatio("relay/tcp", relayPaced, tcpPaced);
    System.exit(0);
  }

  static Result runRelay(int pairs, int seconds, int ratePerPair, long warmupNanos) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "relay-bench",
        ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    PrometheusRegistry registry = new PrometheusRegistry();
    RelayServer server = RelayLoad.startRelay(system, registry);
    try {
      URI uri = RelayLoad.relayUri(server);
      Result result = RelayLoad.runPeers(HttpClient.newHttpClient(), uri, uri, "bench", pairs,
          new Measurement(seconds, warmupNanos), ratePerPair);
      result.note = String.format("drops: queue_full=%.0f", RelayLoad.queueFullDrops(registry));
      return result;
    } finally {
      server.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
