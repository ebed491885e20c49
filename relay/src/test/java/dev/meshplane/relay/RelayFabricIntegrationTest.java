package dev.meshplane.relay;

import static dev.meshplane.relay.RelayTestSupport.metric;
import static dev.meshplane.relay.RelayTestSupport.startServer;
import static dev.meshplane.relay.RelayTestSupport.stop;
import static dev.meshplane.relay.RelayTestSupport.validToken;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.fabric.FabricSettings;
import dev.meshplane.relay.fabric.FabricTestSettings;
import dev.meshplane.relay.fabric.FabricStats;
import dev.meshplane.relay.fabric.RelayFabric;
import dev.meshplane.relay.testkit.RelayTestPeer;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three relay nodes in one ActorSystem, each a real {@link RelayServer} with a real
 * {@link RelayFabric} on loopback, meshed through static members; peers are JDK WebSocket clients
 * ({@link RelayTestPeer}). Expected bytes are built by hand from openzro's message layouts
 * (openzro relay/messages/message.go and peer_state.go), not with the project's codec.
 *
 * <p>The shared cluster runs with {@code lookup-timeout = 30s}: every scenario that completes
 * within the 10 s deadlines below proves that lookups finish on the answers (I_HAVE, NOT_HERE)
 * rather than on the timeout, which is what meshplane promises among its own nodes.
 */
class RelayFabricIntegrationTest {

  static final HexFormat HEX = HexFormat.of();
  static final String FABRIC_SECRET = "s3cret";
  /** Far above every deadline used here: a lookup that waited for it would fail the test. */
  static final String LONG_LOOKUP = "30s";
  static final Duration MESH_WAIT = Duration.ofSeconds(20);
  static final Duration DEADLINE = Duration.ofSeconds(10);
  /** How long one probe packet may take to arrive before the next is sent. */
  static final Duration PROBE_WAIT = Duration.ofMillis(200);

  /** peer-a → peer-b "ping", as sent (slot: peer-b) and as delivered (slot: peer-a). */
  static final String E4_SENT = "01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a70696e67";
  static final String E4_DELIVERED =
      "01037368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe70696e67";

  static ActorSystem<Void> system;
  static HttpClient http;
  /** The shared three-node cluster of scenarios a–d. */
  static List<Node> shared;

  final List<RelayTestPeer> peers = new ArrayList<>();
  final List<List<Node>> ownClusters = new ArrayList<>();

  /** One relay node: relay server, its fabric, its own registry. */
  static final class Node {
    final String name;
    final RelayServer server;
    final PrometheusRegistry registry;
    final URI uri;
    final Map<String, Object> fabricOverrides;
    volatile RelayFabric fabric;

    Node(String name, RelayServer server, PrometheusRegistry registry, Map<String, Object> fabricOverrides) {
      this.name = name;
      this.server = server;
      this.registry = registry;
      this.fabricOverrides = fabricOverrides;
      this.uri = RelayTestSupport.uri(server);
    }

    @Override
    public String toString() {
      return name + (fabric == null ? "" : "[" + fabric.announceAddress() + "]");
    }
  }

  @BeforeAll
  static void startSharedCluster() throws Exception {
    system = RelayTestSupport.actorSystem("relay-fabric-test");
    http = HttpClient.newHttpClient();
    shared = startCluster("shared", 3, Map.of("lookup-timeout", LONG_LOOKUP));
  }

  @AfterAll
  static void stopSharedCluster() throws Exception {
    try {
      if (shared != null) {
        stopCluster(shared);
      }
    } finally {
      RelayTestSupport.terminate(system);
    }
  }

  @AfterEach
  void closePeers() throws Exception {
    peers.forEach(RelayTestPeer::close);
    try {
      // The next test starts from empty stores, with every PEER_LEFT of this one already sent.
      for (Node node : shared) {
        Await.until(DEADLINE, node + " peers gone", () -> node.server.connectedPeers() == 0);
      }
    } finally {
      for (List<Node> cluster : ownClusters) {
        stopCluster(cluster);
      }
    }
  }

  // ------------------------------------------------------------ a. pairing across nodes

  @Test
  void peersOnDifferentNodesExchangeExactlyTheBytesOfASameNodeRelay() throws Exception {
    Node n1 = shared.get(0);
    Node n2 = shared.get(1);
    double ok1 = forwards(n1, "ok");
    double ok2 = forwards(n2, "ok");
    double delivered2 = received(n2, "delivered");
    double sentBytes = fleetSum("relay_transfer_sent_bytes");

    RelayTestPeer a = join(n1, "peer-a");
    RelayTestPeer b = join(n2, "peer-b");
    a.send(HEX.parseHex(E4_SENT));
    // Slot rewritten to the source, payload unchanged: byte for byte what one node delivers.
    assertArrayEquals(HEX.parseHex(E4_DELIVERED), b.poll(DEADLINE), "peer-b on node2 received");
    Await.until(DEADLINE, "node1 counts one forward ok", () -> forwards(n1, "ok") == ok1 + 1);
    Await.until(DEADLINE, "node2 counts one FWD delivered", () -> received(n2, "delivered") == delivered2 + 1);
    // The relay's sent-bytes counter grows by the message length once in the fleet.
    Await.until(DEADLINE, "42 sent bytes counted", () -> fleetSum("relay_transfer_sent_bytes") == sentBytes + 42);

    // And back, with an empty and a non-empty payload.
    b.send(transport(a.id(), ""));
    assertArrayEquals(transport(b.id(), ""), a.poll(DEADLINE), "peer-a on node1 received the empty payload");
    b.send(transport(a.id(), "pong"));
    assertArrayEquals(transport(b.id(), "pong"), a.poll(DEADLINE), "peer-a on node1 received");
    Await.until(DEADLINE, "node2 counts two forwards ok", () -> forwards(n2, "ok") == ok2 + 2);
    assertEquals(ok1 + 1, forwards(n1, "ok"), "node1 forwarded nothing more");
    assertNull(b.poll(Duration.ZERO), "peer-b got exactly one message");
  }

  // ------------------------------------------------------------ b. lookups end on answers

  @Test
  void firstPacketToAPeerOnAnotherNodeDoesNotWaitForTheLookupTimeout() throws Exception {
    Node n1 = shared.get(0);
    Node n3 = shared.get(2);
    RelayTestPeer a = join(n1, "early-a");
    RelayTestPeer b = join(n3, "early-b");
    double lookups = metric(n1.registry, "relay_cluster_lookup_duration_seconds");
    double ok = forwards(n1, "ok");
    // A cache miss: node1 asks node2 (NOT_HERE) and node3 (I_HAVE); lookup-timeout is 30 s.
    a.send(transport(b.id(), "first"));
    byte[] got = b.poll(DEADLINE);
    assertNotNull(got, "first packet not delivered within " + DEADLINE + " (lookup-timeout is " + LONG_LOOKUP + ")");
    assertArrayEquals(transport(a.id(), "first"), got);
    assertEquals(lookups + 1, metric(n1.registry, "relay_cluster_lookup_duration_seconds"), "one lookup observed");
    a.send(transport(b.id(), "second"));
    assertArrayEquals(transport(a.id(), "second"), b.poll(DEADLINE));
    Await.until(DEADLINE, "two forwards counted ok", () -> forwards(n1, "ok") == ok + 2);
  }

  @Test
  void packetForAPeerConnectedNowhereIsCountedNotFoundWithoutWaitingForTheLookupTimeout() throws Exception {
    Node n1 = shared.get(0);
    RelayTestPeer a = join(n1, "lonely-a");
    double notFound = forwards(n1, "peer_not_found");
    double ok = forwards(n1, "ok");
    a.send(transport(PeerId.fromPublicKey("connected-nowhere"), "void"));
    // Both remotes are meshplane nodes and answer NOT_HERE, so this ends long before 30 s.
    Await.until(DEADLINE, "peer_not_found counted on node1 (lookup-timeout is " + LONG_LOOKUP + ")",
        () -> forwards(n1, "peer_not_found") == notFound + 1);
    assertEquals(ok, forwards(n1, "ok"));
  }

  // ------------------------------------------------------------ c. a peer moves

  @Test
  void peerThatMovesToAnotherNodeIsReachedThereBeforeTheCacheExpires() throws Exception {
    Node n1 = shared.get(0);
    Node n2 = shared.get(1);
    Node n3 = shared.get(2);
    RelayTestPeer a = join(n1, "mover-a");
    RelayTestPeer b = join(n2, "mover-b");
    double forwardsBefore = allForwards(n1);
    a.send(transport(b.id(), "before"));
    assertArrayEquals(transport(a.id(), "before"), b.poll(DEADLINE), "delivered on node2");
    // node1 now caches mover-b -> node2 for cache-ttl (the default 5 min).

    b.close();
    Await.until(DEADLINE, "mover-b gone from node2", () -> !n2.server.localPeers().has(b.id()));
    RelayTestPeer moved = join(n3, "mover-b");

    // A keeps sending; each packet is distinct so any one that arrives is identified.
    Set<String> sent = new HashSet<>();
    AtomicReference<byte[]> got = new AtomicReference<>();
    Await.until(DEADLINE, "mover-b on node3 receives a packet: else node1 kept routing to node2"
        + " (cache not invalidated by PEER_LEFT / NOT_HERE)", () -> {
          String payload = "after-" + sent.size();
          sent.add(HEX.formatHex(transport(a.id(), payload)));
          got.set(sendAndPoll(a, transport(moved.id(), payload), moved));
          return got.get() != null;
        });
    assertTrue(sent.contains(HEX.formatHex(got.get())), "unexpected bytes " + HEX.formatHex(got.get()));
    // Settled on node3: the next packet goes straight there.
    a.send(transport(moved.id(), "settled"));
    assertArrayEquals(transport(a.id(), "settled"), drainUntil(moved, transport(a.id(), "settled")));
    // Exactly one relay_cluster_forwards_total per packet, whatever its result (openzro
    // relay/server/cluster/metrics.go, IncForward).
    int packets = sent.size() + 2;
    Await.until(DEADLINE, packets + " forwards counted", () -> allForwards(n1) == forwardsBefore + packets);
  }

  // ------------------------------------------------------------ d. peer-state subscription

  @Test
  void subscriberIsToldAboutAPeerOnlineOnAnotherNode() throws Exception {
    Node n1 = shared.get(0);
    Node n3 = shared.get(2);
    RelayTestPeer d = join(n3, "watched-d");
    RelayTestPeer c = join(n1, "watcher-c");
    PeerId nowhere = PeerId.fromPublicKey("watched-nowhere");
    c.send(peerState(8, nowhere, d.id()));
    // Owned by another node = online (openzro relay/server/peer.go, handleSubscribePeerState);
    // the absent one is not reported.
    assertArrayEquals(peerState(10, d.id()), c.poll(DEADLINE), "PeersOnline for watched-d");
    assertNull(c.poll(Await.QUIET), "nothing about a peer connected nowhere");
  }

  // ------------------------------------------------------------ e. a node's fabric stops

  @Test
  void stoppedFabricDropsItsStreamsAndForwardsToItFailUntilItComesBack() throws Exception {
    List<Node> cluster = startCluster("stop", 3, Map.of("lookup-timeout", LONG_LOOKUP));
    ownClusters.add(cluster);
    Node n1 = cluster.get(0);
    Node n2 = cluster.get(1);
    Node n3 = cluster.get(2);
    RelayTestPeer a = join(n1, "stop-a");
    RelayTestPeer e = join(n3, "stop-e");
    a.send(transport(e.id(), "one"));
    assertArrayEquals(transport(a.id(), "one"), e.poll(DEADLINE));
    // Counted just after the frame is queued, so possibly after it already arrived.
    Await.until(DEADLINE, "first forward counted ok", () -> forwards(n1, "ok") == 1);
    double ok = forwards(n1, "ok");
    double notOk = notOk(n1);
    assertEquals(0, notOk);

    n3.fabric.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (Node other : List.of(n1, n2)) {
      Await.until(DEADLINE, other + " lost its stream to node3", () -> streamsGauge(other) == 1);
    }
    a.send(transport(e.id(), "two"));
    Await.until(DEADLINE, "forward to a peer on the stopped node counted not-ok", () -> notOk(n1) == notOk + 1);
    assertEquals(ok, forwards(n1, "ok"), "not counted ok");
    assertNull(e.poll(Await.QUIET), "nothing reached stop-e");

    // Back on a new port: members updated, streams and forwarding return.
    RelayFabric restarted = startFabric(n3.server, n3.registry, n3.fabricOverrides);
    n3.fabric = restarted;
    n3.server.useRemotePeers(restarted);
    setMembers(cluster);
    awaitMeshed(cluster);
    a.send(transport(e.id(), "three"));
    assertArrayEquals(transport(a.id(), "three"), e.poll(DEADLINE), "delivered after the restart");
    Await.until(DEADLINE, "counted ok", () -> forwards(n1, "ok") == ok + 1);
  }

  // ------------------------------------------------------------ cluster helpers

  static List<Node> startCluster(String name, int size, Map<String, Object> fabricOverrides) throws Exception {
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= size; i++) {
        PrometheusRegistry registry = new PrometheusRegistry();
        RelayServer server = startServer(system, Map.of(), registry);
        Node node = new Node(name + "-node" + i, server, registry, fabricOverrides);
        nodes.add(node);
        node.fabric = startFabric(server, registry, fabricOverrides);
        server.useRemotePeers(node.fabric);
      }
      setMembers(nodes);
      awaitMeshed(nodes);
      return nodes;
    } catch (Exception | AssertionError e) {
      stopCluster(nodes);
      throw e;
    }
  }

  static RelayFabric startFabric(RelayServer server, PrometheusRegistry registry, Map<String, Object> overrides)
      throws Exception {
    FabricSettings settings = FabricTestSettings.loopback(FABRIC_SECRET, overrides);
    return RelayFabric.start(system, settings, "127.0.0.1", server.localPeers(), registry, Clock.systemUTC())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Every node gets every other node's announce address; both sides of a pair may dial. */
  static void setMembers(List<Node> nodes) {
    for (Node node : nodes) {
      Set<String> others = nodes.stream().filter(other -> other != node)
          .map(other -> other.fabric.announceAddress()).collect(Collectors.toSet());
      node.fabric.setMembers("static", others);
    }
  }

  /**
   * Every node has a live stream to every other, gauge included, and each of those answered PING
   * (so both ends registered that same connection and will send NOT_HERE / PEER_LEFT).
   */
  static void awaitMeshed(List<Node> nodes) {
    int others = nodes.size() - 1;
    for (Node node : nodes) {
      Set<String> expected = nodes.stream().filter(other -> other != node)
          .map(other -> other.fabric.announceAddress()).collect(Collectors.toSet());
      Await.until(MESH_WAIT, node + " meshed with " + expected, () -> {
        FabricStats stats = node.fabric.stats();
        return Set.copyOf(stats.streams()).equals(expected) && stats.meshplaneStreams() == others
            && streamsGauge(node) == others;
      });
    }
  }

  static void stopCluster(List<Node> nodes) throws Exception {
    for (Node node : nodes) {
      if (node.fabric != null) {
        node.fabric.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      stop(node.server);
    }
    nodes.clear();
  }

  // ------------------------------------------------------------ peer and message helpers

  /** Connects and authenticates {@code publicKey} on {@code node}, and waits until it is in the node's store. */
  RelayTestPeer join(Node node, String publicKey) throws Exception {
    RelayTestPeer peer = RelayTestPeer.authenticated(http, node.uri, publicKey, validToken());
    peers.add(peer);
    // AuthResponse is queued just before the store registration (PeerConnection).
    Await.until(DEADLINE, publicKey + " registered on " + node, () -> node.server.localPeers().has(peer.id()));
    return peer;
  }

  /** Sends {@code message} from {@code from}; the next message {@code to} gets within one probe interval, or null. */
  static byte[] sendAndPoll(RelayTestPeer from, byte[] message, RelayTestPeer to) {
    try {
      from.send(message);
      return to.poll(PROBE_WAIT);
    } catch (Exception e) {
      throw new AssertionError(from.publicKey() + " could not send to " + to.publicKey(), e);
    }
  }

  /** Next message equal to {@code expected}, skipping older copies of earlier packets. */
  static byte[] drainUntil(RelayTestPeer peer, byte[] expected) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      byte[] got = peer.poll(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (got == null || java.util.Arrays.equals(got, expected)) {
        return got;
      }
    }
    return null;
  }

  /** Transport (openzro relay/messages/message.go, MarshalTransportMsg): 0x01, 0x03, 36-byte peer ID slot, payload. */
  static byte[] transport(PeerId slot, String payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x01);
    out.write(0x03);
    out.writeBytes(slot.toBytes());
    out.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Peer-state message (openzro relay/messages/peer_state.go): 0x01, type, concatenated 36-byte IDs. */
  static byte[] peerState(int type, PeerId... ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x01);
    out.write(type);
    for (PeerId id : ids) {
      out.writeBytes(id.toBytes());
    }
    return out.toByteArray();
  }

  static double forwards(Node node, String result) {
    return metric(node.registry, "relay_cluster_forwards", "result", result);
  }

  static double notOk(Node node) {
    return forwards(node, "peer_not_found") + forwards(node, "stream_gone") + forwards(node, "send_error");
  }

  static double allForwards(Node node) {
    return forwards(node, "ok") + notOk(node);
  }

  static double received(Node node, String result) {
    return metric(node.registry, "meshplane_relay_cluster_forwards_received", "result", result);
  }

  static double streamsGauge(Node node) {
    return metric(node.registry, "relay_cluster_streams");
  }

  static double fleetSum(String name) {
    return shared.stream().mapToDouble(node -> metric(node.registry, name)).sum();
  }
}
