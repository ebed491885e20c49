package dev.meshplane.multijvm;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three nodes on three loopback addresses (127.0.0.1-3) that all use the same management port.
 *
 * <p>DNS A records and pod IPs carry no port, so DNS and Kubernetes API discovery find a node at
 * {@code <address>:<its own management port>}. Giving each node its own address with one shared
 * management port is how a headless Service looks from inside a cluster, reproduced on one machine
 * (Linux routes all of 127.0.0.0/8 to the loopback interface).
 */
final class LoopbackCluster implements AutoCloseable {

  static final List<String> ADDRESSES = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

  // As EmbeddedClusterIT: three JVMs start at once, on CI machines with few cores.
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern UP_MEMBER =
      Pattern.compile("\"node\"\\s*:\\s*\"([^\"]+)\"[^}]*\"status\"\\s*:\\s*\"Up\"");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final int managementPort;
  private final List<NodeProcess> nodes = new ArrayList<>();

  private LoopbackCluster(int managementPort) {
    this.managementPort = managementPort;
  }

  /** A cluster whose nodes are not started yet; the port is known first so discovery can be set up. */
  static LoopbackCluster withSharedManagementPort() {
    return new LoopbackCluster(portFreeOnEveryAddress());
  }

  /**
   * Starts one node per address with {@code env} plus its own host settings. Ports other than
   * management differ per node so nothing depends on each address having its own port space.
   */
  void start(String namePrefix, Map<String, String> env) throws IOException {
    for (int i = 0; i < ADDRESSES.size(); i++) {
      String address = ADDRESSES.get(i);
      NodeProcess.Ports free = NodeProcess.Ports.free();
      NodeProcess.Ports ports = new NodeProcess.Ports(
          free.signal(), free.relay(), managementPort, free.metrics(), free.remoting(), free.fabric());
      Map<String, String> nodeEnv = new HashMap<>(env);
      nodeEnv.put("MESHPLANE_HOST", address);
      nodeEnv.put("MESHPLANE_BIND_HOST", address);
      nodes.add(NodeProcess.start(namePrefix + "-" + (i + 1), ports, nodeEnv));
    }
  }

  /**
   * Waits for each node's /ready on its own address. NodeProcess.awaitReady asks 127.0.0.1, which
   * here is node 1 for every node, so it cannot be used. One deadline covers all three nodes.
   */
  void awaitAllReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (int i = 0; i < nodes.size(); i++) {
      URI ready = uri(i, "/ready");
      nodes.get(i).await(remaining(deadline), "node " + ADDRESSES.get(i) + " answers /ready with 200"
          + " (discovery found no cluster?)", () -> NodeProcess.httpStatus(ready) == 200);
    }
  }

  /**
   * Waits until every node reports exactly three Up members, one on each address (gossip may
   * lag /ready by a moment).
   */
  void awaitAllMembersUpEverywhere() {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (int i = 0; i < nodes.size(); i++) {
      int index = i;
      AtomicReference<List<String>> up = new AtomicReference<>(List.of());
      nodes.get(i).await(remaining(deadline), "node " + ADDRESSES.get(i) + " sees one Up member on each of "
          + ADDRESSES, () -> "Up members seen: " + up.get(), () -> {
            up.set(upMembers(index));
            return isOnePerAddress(up.get());
          });
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static boolean isOnePerAddress(List<String> members) {
    Set<String> hosts = new TreeSet<>();
    members.forEach(member -> hosts.add(URI.create(member).getHost()));
    return members.size() == ADDRESSES.size() && hosts.equals(new TreeSet<>(ADDRESSES));
  }

  /** A peer on node 1 sends to a peer on node 3; the message must arrive across the cluster. */
  void assertSignalCrossesFromFirstToThirdNode() throws Exception {
    NodeProcess first = nodes.get(0);
    NodeProcess third = nodes.get(2);
    try (SignalTestClient onFirst = new SignalTestClient(ADDRESSES.get(0), first.signalPort);
        SignalTestClient onThird = new SignalTestClient(ADDRESSES.get(2), third.signalPort);
        PeerStream alice = onFirst.connect("alice");
        PeerStream bob = onThird.connect("bob")) {
      alice.awaitRegistered(WAIT);
      bob.awaitRegistered(WAIT);
      onFirst.send(message("alice", "bob", "offer across nodes"));
      assertEquals("offer across nodes", bob.next(WAIT).getBody().toStringUtf8());
    }
  }

  /** Addresses (pekko://system@host:port) of the members node {@code index} reports as Up. */
  private List<String> upMembers(int index) {
    HttpResponse<String> response;
    try {
      response = HTTP.send(
          HttpRequest.newBuilder(uri(index, "/cluster/members")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("GET /cluster/members on " + ADDRESSES.get(index) + " failed", e);
    }
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /cluster/members on " + ADDRESSES.get(index) + " answered "
          + response.statusCode());
    }
    List<String> up = new ArrayList<>();
    Matcher matcher = UP_MEMBER.matcher(response.body());
    while (matcher.find()) {
      up.add(matcher.group(1));
    }
    return up;
  }

  private URI uri(int index, String path) {
    return URI.create("http://" + ADDRESSES.get(index) + ":" + managementPort + path);
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
  }

  /** A port that can be bound on each of the three addresses (free on one is not proof for the others). */
  private static int portFreeOnEveryAddress() {
    for (String address : ADDRESSES) {
      if (!canBind(address, 0)) {
        throw new AssertionError("cannot listen on " + address + ": these tests need 127.0.0.1-3 on the"
            + " loopback interface (Linux routes all of 127.0.0.0/8 there; macOS needs"
            + " 'ifconfig lo0 alias " + address + "')");
      }
    }
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = NodeProcess.freePort();
      if (ADDRESSES.stream().allMatch(address -> canBind(address, port))) {
        return port;
      }
    }
    throw new AssertionError("no port is free on all of " + ADDRESSES);
  }

  private static boolean canBind(String address, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
