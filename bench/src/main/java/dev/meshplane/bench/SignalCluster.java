package dev.meshplane.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.bootstrap.MeshplaneNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Signal nodes in this JVM that form one embedded Pekko cluster through Cluster Bootstrap with
 * static (config) discovery, as a bare-metal deployment would. Each node has its own actor
 * system, listeners and remoting port, so messages between them go through Artery TCP on
 * loopback and are serialized exactly as between machines.
 */
final class SignalCluster implements AutoCloseable {

  /** Formation needs a stable contact-point set (3 s) and then joins; generous for a busy machine. */
  private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration READY_POLL = Duration.ofMillis(250);

  private final List<MeshplaneNode> nodes;
  private final List<Integer> managementPorts;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SignalCluster(List<MeshplaneNode> nodes, List<Integer> managementPorts) {
    this.nodes = nodes;
    this.managementPorts = managementPorts;
  }

  /** Starts {@code size} nodes and returns once all of them are members and report ready. */
  static SignalCluster start(int size) throws IOException, InterruptedException {
    List<Integer> managementPorts = freeLoopbackPorts(size);
    String peers = managementPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<MeshplaneNode> nodes = new ArrayList<>();
    SignalCluster cluster = new SignalCluster(nodes, managementPorts);
    try {
      for (int port : managementPorts) {
        nodes.add(MeshplaneNode.start(nodeConfig(port, peers, size)));
      }
      cluster.awaitFormed();
      return cluster;
    } catch (InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static Config nodeConfig(int managementPort, String peers, int size) {
    return ConfigFactory.parseMap(Map.of(
            "meshplane.cluster.mode", "embedded",
            "meshplane.cluster.discovery.method", "config",
            "meshplane.cluster.discovery.peers", peers,
            // All of them: no node may form a cluster of its own while the others still start.
            "meshplane.cluster.discovery.required-contact-points", size,
            // Each node's Cluster MBean under its own name; one JVM holds several clusters' nodes.
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on"),
        "signal cluster bench")
        .withFallback(SignalBench.nodeConfig(managementPort));
  }

  MeshplaneNode node(int index) {
    return nodes.get(index);
  }

  int size() {
    return nodes.size();
  }

  /**
   * Listeners are bound long before the cluster exists. Measuring before every node is Up and
   * its shard region registered would time cluster formation, not signalling; nothing signals
   * that moment across nodes, so poll each node's {@code /ready} (membership, sharding, not
   * draining) and its view of the membership until both hold or the deadline passes.
   */
  private void awaitFormed() throws InterruptedException {
    long deadline = System.nanoTime() + FORMATION_TIMEOUT.toNanos();
    for (int i = 0; i < nodes.size(); i++) {
      while (!isReady(i)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("node " + (i + 1) + " of the cluster not ready within "
              + FORMATION_TIMEOUT.toSeconds() + " s");
        }
        LockSupport.parkNanos(READY_POLL.toNanos());
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    }
  }

  private boolean isReady(int index) throws InterruptedException {
    int up = 0;
    for (Member member : Cluster.get(nodes.get(index).system()).state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    if (up < nodes.size()) {
      return false;
    }
    HttpRequest ready = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + managementPorts.get(index) + "/ready"))
        .timeout(Duration.ofSeconds(2))
        .build();
    try {
      return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * Stops the nodes one after the other: each leaves the cluster and hands off its shards while
   * the others still run, which is quick. All leaving at once stalls in cluster-exiting until its
   * 10 s timeout. Each node's shutdown waits at most a minute, so this is bounded.
   */
  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).shutdown();
    }
  }

  /** Distinct free ports: all sockets are held open together so no port is handed out twice. */
  private static List<Integer> freeLoopbackPorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }
}
