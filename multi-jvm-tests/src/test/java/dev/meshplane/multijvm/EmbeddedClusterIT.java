package dev.meshplane.multijvm;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.bootstrap.jmx.Inspect;
import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real node JVMs form one cluster through Cluster Bootstrap with config discovery; signal
 * peers on different nodes reach each other; a node that leaves gracefully loses no message.
 */
class EmbeddedClusterIT {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern UP_MEMBER = Pattern.compile("\"node\"\\s*:\\s*\"([^\"]+)\"[^}]*\"status\"\\s*:\\s*\"Up\"");

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Integer> jmxPorts = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(NodeProcess::close);
  }

  private List<NodeProcess> startCluster(int size) throws Exception {
    List<NodeProcess.Ports> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ports.add(NodeProcess.Ports.free());
    }
    String peers = ports.stream().map(p -> "127.0.0.1:" + p.management()).collect(Collectors.joining(","));
    for (int i = 0; i < size; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("MESHPLANE_CLUSTER_MODE", "embedded");
      env.put("MESHPLANE_DISCOVERY", "config");
      env.put("MESHPLANE_CLUSTER_PEERS", peers);
      env.put("MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", Integer.toString(size));
      env.put("MESHPLANE_ROLES", "signal");
      int jmxPort = NodeProcess.freePort();
      jmxPorts.add(jmxPort);
      env.put("MESHPLANE_JMX_PORT", Integer.toString(jmxPort));
      nodes.add(NodeProcess.start("cluster-node-" + (i + 1), ports.get(i), env));
    }
    for (NodeProcess node : nodes) {
      Duration ready = node.awaitReady(Duration.ofSeconds(90));
      System.out.println("cluster node ready after " + ready.toMillis() + " ms");
    }
    return nodes;
  }

  /** Members that the node's cluster HTTP endpoint reports as Up. */
  private static TreeSet<String> upMembers(NodeProcess node) throws Exception {
    String json = node.get("/cluster/members", node.managementPort);
    TreeSet<String> up = new TreeSet<>();
    Matcher matcher = UP_MEMBER.matcher(json);
    while (matcher.find()) {
      up.add(matcher.group(1));
    }
    return up;
  }

  @Test
  void threeNodesFormOneClusterAndPeersOnDifferentNodesExchangeBothWays() throws Exception {
    startCluster(3);
    for (NodeProcess node : nodes) {
      assertEquals(3, upMembers(node).size(), "members seen by node " + node.managementPort);
    }
    NodeProcess first = nodes.get(0);
    NodeProcess third = nodes.get(2);
    try (SignalTestClient onFirst = new SignalTestClient("127.0.0.1", first.signalPort);
        SignalTestClient onThird = new SignalTestClient("127.0.0.1", third.signalPort);
        SignalTestClient onSecond = new SignalTestClient("127.0.0.1", nodes.get(1).signalPort);
        PeerStream alice = onFirst.connect("alice");
        PeerStream bob = onThird.connect("bob")) {
      alice.awaitRegistered(WAIT);
      bob.awaitRegistered(WAIT);
      for (int i = 0; i < 50; i++) {
        onFirst.send(message("alice", "bob", "a" + i));
        bob.write(message("bob", "alice", "b" + i));
        onSecond.send(message("carol", "alice", "c" + i));
      }
      List<String> atBob = drain(bob, 50);
      List<String> atAlice = drain(alice, 100);
      assertEquals(50, atBob.size());
      assertEquals(100, atAlice.size());
      assertTrue(atAlice.contains("b49") && atAlice.contains("c49"), atAlice.toString());

      // JMX tells what the test knows: three members everywhere, one stream on nodes 1 and 3.
      long[] expectedPeers = {1, 0, 1};
      for (int i = 0; i < 3; i++) {
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(
            "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPorts.get(i) + "/jmxrmi"))) {
          MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
          assertEquals(3, mbeans.getAttribute(new ObjectName("dev.meshplane:type=Cluster"), "MemberCount"));
          assertEquals(expectedPeers[i],
              mbeans.getAttribute(new ObjectName("dev.meshplane:type=Signal"), "ConnectedPeers"), "node " + (i + 1));
        }
      }
      String report = Inspect.inspect("127.0.0.1:" + jmxPorts.get(0));
      System.out.println(report);
      assertTrue(Pattern.compile("members\\s+3\\b").matcher(report).find(), report);
    }
  }

  @Test
  void gracefulLeaveUnderTrafficLosesNothing() throws Exception {
    startCluster(3);
    NodeProcess leaving = nodes.get(1);
    try (SignalTestClient onFirst = new SignalTestClient("127.0.0.1", nodes.get(0).signalPort);
        SignalTestClient onThird = new SignalTestClient("127.0.0.1", nodes.get(2).signalPort)) {
      // Peers on the nodes that stay; their sessions are spread over all three nodes.
      int pairs = 8;
      List<PeerStream> receivers = new ArrayList<>();
      for (int p = 0; p < pairs; p++) {
        PeerStream receiver = onThird.connect("receiver-" + p);
        receiver.awaitRegistered(WAIT);
        receivers.add(receiver);
      }
      int perPair = 300;
      Thread sender = new Thread(() -> {
        for (int i = 0; i < perPair; i++) {
          for (int p = 0; p < pairs; p++) {
            onFirst.send(message("sender-" + p, "receiver-" + p, Integer.toString(i)));
          }
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // ~1.5 s of traffic per pair
        }
      }, "sender");
      sender.start();
      int exit = leaving.terminate(Duration.ofSeconds(60));
      System.out.println("node left with exit code " + exit + " while traffic was flowing");
      sender.join(60_000);
      for (int p = 0; p < pairs; p++) {
        List<String> got = drain(receivers.get(p), perPair);
        TreeSet<Integer> distinct = got.stream().map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(perPair, distinct.size(), "pair " + p + " received " + distinct.size() + " of " + perPair);
      }
      receivers.forEach(PeerStream::close);
      assertEquals(2, upMembers(nodes.get(0)).size(), "the leaver is gone from the membership");
    }
  }

  /** Reads until {@code count} messages arrived or none arrives for the wait time. */
  private static List<String> drain(PeerStream stream, int count) throws InterruptedException {
    List<String> bodies = new ArrayList<>();
    while (bodies.size() < count) {
      EncryptedMessage message = stream.poll(WAIT);
      if (message == null) {
        break;
      }
      bodies.add(message.getBody().toStringUtf8());
    }
    return bodies;
  }
}
