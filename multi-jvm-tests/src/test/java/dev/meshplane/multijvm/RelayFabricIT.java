package dev.meshplane.multijvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.RelayMessage;
import dev.meshplane.relay.testkit.RelayTestPeer;
import dev.meshplane.testkit.Await;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Relay nodes of one embedded cluster forward packets to each other over the fabric: relay peers
 * on different nodes exchange packets; after kill -9 of a node, a peer that reconnects to a
 * surviving node gets traffic again; a node added later reaches the others.
 */
class RelayFabricIT {

  private static final String RELAY_SECRET = "fabric-it-relay-secret";
  /** One public name for all nodes, as behind a load balancer; the fabric exists because of it. */
  private static final String INSTANCE_URL = "rel://relay.meshplane.test:443";
  private static final String STREAMS = "relay_cluster_streams";
  private static final String FORWARDS = "relay_cluster_forwards_total";

  // Three JVMs start at once on machines with few cores, as in EmbeddedClusterIT.
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Duration FABRIC_UP = Duration.ofSeconds(60);
  private static final Duration DELIVERY = Duration.ofSeconds(15);
  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);

  /** About a WireGuard packet at the usual MTU. */
  private static final int PAYLOAD_SIZE = 1400;
  private static final int PACKETS_PER_DIRECTION = 20;
  /** Marks route probes, which may arrive late and are not counted. */
  private static final int PROBE = -1;
  /** How long one probe may take to cross before the next is sent. */
  private static final Duration PROBE_WAIT = Duration.ofMillis(250);
  private static final long SEND_INTERVAL_NANOS = Duration.ofMillis(20).toNanos();

  private final List<NodeProcess.Ports> ports = new ArrayList<>();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<RelayTestPeer> peers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    peers.forEach(RelayTestPeer::close);
    nodes.forEach(NodeProcess::close);
  }

  @Test
  void packetsCrossNodesSurviveAKilledNodeAndReachANodeAddedLater() throws Exception {
    for (int slot = 0; slot < 4; slot++) {
      ports.add(NodeProcess.Ports.free());
    }
    // The first three list only each other: a listed node that is not running yet must not
    // take part in forming the cluster. The fourth lists everyone, as an operator's updated list.
    String firstThree = contactPoints(3);
    NodeProcess node1 = startNode(0, firstThree);
    NodeProcess node2 = startNode(1, firstThree);
    NodeProcess node3 = startNode(2, firstThree);
    for (NodeProcess node : nodes) {
      System.out.println("relay node ready after " + node.awaitReady(READY).toMillis() + " ms");
    }
    for (NodeProcess node : nodes) {
      awaitStreams(node, 2);
    }

    RelayTestPeer a = connect(node1, "peer-A");
    RelayTestPeer b = connect(node2, "peer-B");
    RelayTestPeer c = connect(node2, "peer-C");
    RelayTestPeer d = connect(node3, "peer-D");
    RelayTestPeer e = connect(node3, "peer-E");
    RelayTestPeer f = connect(node1, "peer-F");
    exchangeBothWays(a, b);
    exchangeBothWays(c, d);
    exchangeBothWays(e, f);
    assertTrue(NodeMetrics.read(node1, FORWARDS, "result=\"ok\"").orElse(0) >= 2 * PACKETS_PER_DIRECTION,
        "node 1's peers reached the other nodes through its fabric: " + fabricState(node1));

    failOverPeerOfKilledNode(a, b, node1, node2, node3);

    NodeProcess node4 = startNode(3, contactPoints(4));
    System.out.println("node 4 ready after " + node4.awaitReady(READY).toMillis() + " ms");
    long liveNodes = nodes.stream().filter(NodeProcess::isAlive).count();
    awaitStreams(node4, (int) liveNodes - 1);
    RelayTestPeer g = connect(node4, "peer-G");
    exchangeBothWays(g, a);
  }

  /**
   * A sends to B every 20 ms while B's node is killed; B reconnects to another node, as the Go
   * client does when its relay connection breaks, and A's packets must find it there.
   */
  private void failOverPeerOfKilledNode(RelayTestPeer a, RelayTestPeer b, NodeProcess aNode, NodeProcess bNode,
      NodeProcess survivor) throws Exception {
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    Thread sender = new Thread(() -> {
      for (int seq = 0; sending.get(); seq++) {
        try {
          a.send(b.id(), payload(seq));
        } catch (Exception failure) {
          sendFailure.compareAndSet(null, failure);
        }
        LockSupport.parkNanos(SEND_INTERVAL_NANOS); // pacing, not synchronisation
      }
    }, "relay-sender-A-to-B");
    sender.start();
    try {
      receiveFrom(b, a, 10, DELIVERY); // traffic flows before the kill, so "resumed" means something

      long killedAt = System.nanoTime();
      bNode.kill();
      System.out.println("killed node 2 (SIGKILL); B's connection ended: " + b.awaitClosed(DELIVERY));
      RelayTestPeer bAgain = connect(survivor, b.publicKey());
      long remaining = FAILOVER_DEADLINE.toNanos() - (System.nanoTime() - killedAt);
      receiveFrom(bAgain, a, 1, Duration.ofNanos(Math.max(0, remaining)));
      long resumedMillis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
      System.out.println("relay fabric failover: traffic resumed " + resumedMillis + " ms after kill -9");
      receiveFrom(bAgain, a, 10, DELIVERY); // and keeps flowing, not a single stray packet

      awaitStreams(aNode, 1);
      System.out.println("node 1 after the failover: " + fabricState(aNode));
    } finally {
      sending.set(false);
      sender.join(DELIVERY.toMillis());
    }
    assertNull(sendFailure.get(), "A's own node stayed up, so every send must have been accepted");
  }

  private void exchangeBothWays(RelayTestPeer one, RelayTestPeer other) throws Exception {
    awaitRoute(one, other);
    awaitRoute(other, one);
    sendNumbered(one, other);
    receiveFrom(other, one, PACKETS_PER_DIRECTION, DELIVERY);
    sendNumbered(other, one);
    receiveFrom(one, other, PACKETS_PER_DIRECTION, DELIVERY);
  }

  /**
   * Probes until one packet gets through. Forwarding is best effort: a packet sent while the
   * destination's node is still registering it may be dropped, and that is allowed. Once a
   * route works, the numbered packets after it must all arrive.
   */
  private static void awaitRoute(RelayTestPeer from, RelayTestPeer to) {
    Await.until(DELIVERY, "a packet from " + from.publicKey() + " reaches " + to.publicKey(),
        () -> probeArrives(from, to));
  }

  /** Sends one probe and gives it a moment to arrive; checks it if it does. */
  private static boolean probeArrives(RelayTestPeer from, RelayTestPeer to) {
    try {
      from.send(to.id(), payload(PROBE));
      RelayMessage.Transport arrived = to.pollTransport(PROBE_WAIT);
      if (arrived == null) {
        return false;
      }
      assertFromSender(from, to, arrived);
      return true;
    } catch (Exception e) {
      throw new AssertionError(from.publicKey() + " could not probe the route to " + to.publicKey(), e);
    }
  }

  private static void sendNumbered(RelayTestPeer from, RelayTestPeer to) throws Exception {
    for (int seq = 0; seq < PACKETS_PER_DIRECTION; seq++) {
      from.send(to.id(), payload(seq));
    }
  }

  /**
   * Waits for {@code count} numbered packets from {@code from}; each must carry the sender's ID in
   * the slot and exactly the bytes sent. Probes still in flight are skipped.
   */
  private static void receiveFrom(RelayTestPeer to, RelayTestPeer from, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<Integer> seen = new TreeSet<>();
    while (seen.size() < count) {
      long left = deadline - System.nanoTime();
      RelayMessage.Transport arrived = left > 0 ? to.pollTransport(Duration.ofNanos(left)) : null;
      if (arrived == null) {
        throw new AssertionError(to.publicKey() + " received " + seen.size() + " of " + count + " packets from "
            + from.publicKey() + " within " + timeout);
      }
      int seq = assertFromSender(from, to, arrived);
      if (seq != PROBE) {
        assertTrue(seen.add(seq), to.publicKey() + " received packet " + seq + " twice");
      }
    }
  }

  /** Checks the slot and the payload; returns the packet's sequence number. */
  private static int assertFromSender(RelayTestPeer from, RelayTestPeer to, RelayMessage.Transport arrived) {
    assertEquals(from.id(), arrived.peerId(), to.publicKey() + ": the relay puts the sender's ID in the slot");
    byte[] payload = arrived.payload();
    assertEquals(PAYLOAD_SIZE, payload.length, "payload size");
    int seq = ByteBuffer.wrap(payload).getInt();
    assertArrayEquals(payload(seq), payload, "payload of packet " + seq + " from " + from.publicKey());
    return seq;
  }

  /** A sequence number, then bytes that depend on it, so a corrupted or mixed-up packet shows. */
  private static byte[] payload(int seq) {
    ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_SIZE).putInt(seq);
    while (payload.hasRemaining()) {
      payload.put((byte) (seq * 31 + payload.position()));
    }
    return payload.array();
  }

  private RelayTestPeer connect(NodeProcess node, String publicKey) throws Exception {
    RelayTestPeer peer = RelayTestPeer.authenticated(
        URI.create("ws://127.0.0.1:" + node.relayPort + "/relay"), publicKey, RELAY_SECRET);
    peers.add(peer);
    assertEquals(INSTANCE_URL, peer.instanceUrl(), "every node answers Auth with the shared instance URL");
    return peer;
  }

  private static void awaitStreams(NodeProcess node, int expected) {
    NodeMetrics.await(node, STREAMS, streams -> streams == expected, "= " + expected, FABRIC_UP);
  }

  /** Streams and forward outcomes of a node, for failure messages and the log. */
  private static String fabricState(NodeProcess node) {
    StringBuilder state = new StringBuilder(STREAMS + "=" + NodeMetrics.read(node, STREAMS));
    for (String result : List.of("ok", "peer_not_found", "stream_gone", "send_error")) {
      state.append(", ").append(result).append('=')
          .append(NodeMetrics.read(node, FORWARDS, "result=\"" + result + "\""));
    }
    return state.toString();
  }

  private String contactPoints(int slots) {
    return ports.subList(0, slots).stream().map(p -> "127.0.0.1:" + p.management()).collect(Collectors.joining(","));
  }

  private NodeProcess startNode(int slot, String contactPoints) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MESHPLANE_CLUSTER_MODE", "embedded");
    env.put("MESHPLANE_DISCOVERY", "config");
    env.put("MESHPLANE_CLUSTER_PEERS", contactPoints);
    env.put("MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", "3");
    env.put("MESHPLANE_ROLES", "relay");
    env.put("MESHPLANE_RELAY_AUTH_SECRET", RELAY_SECRET);
    env.put("MESHPLANE_RELAY_EXPOSED_ADDRESS", INSTANCE_URL);
    NodeProcess node = NodeProcess.start("fabric-node-" + (slot + 1), ports.get(slot), env);
    nodes.add(node);
    return node;
  }
}
