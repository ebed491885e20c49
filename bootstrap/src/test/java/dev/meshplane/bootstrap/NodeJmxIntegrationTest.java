package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.bootstrap.jmx.Inspect;
import dev.meshplane.bootstrap.jmx.JmxSettings;
import dev.meshplane.bootstrap.jmx.NodeJmx;
import dev.meshplane.bootstrap.jmx.TestJmx;
import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * One in-process node with its MBeans served over remote JMX, read with the JDK's own JMX client
 * exactly as jconsole would, and through {@link Inspect}.
 */
class NodeJmxIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final MBeanServer PLATFORM = ManagementFactory.getPlatformMBeanServer();
  private static final NodeJmx.Services NO_SERVICES =
      new NodeJmx.Services(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** A started {@link NodeJmx} and the names its MBeans got, by type. */
  private record Started(NodeJmx jmx, Map<String, ObjectName> names) {}

  /**
   * Starts a {@link NodeJmx} and finds its MBeans as the {@code dev.meshplane} names that were not
   * registered before (the node under test registered its own already).
   */
  private static Started startJmx(MeshplaneNode node, NodeJmx.Services services, JmxSettings remoteJmx)
      throws Exception {
    ObjectName meshplane = new ObjectName("dev.meshplane:*");
    Set<ObjectName> before = PLATFORM.queryNames(meshplane, null);
    NodeJmx jmx = NodeJmx.start(node.system(), services, remoteJmx);
    Map<String, ObjectName> names = new TreeMap<>();
    for (ObjectName name : PLATFORM.queryNames(meshplane, null)) {
      if (!before.contains(name)) {
        names.put(name.getKeyProperty("type"), name);
      }
    }
    return new Started(jmx, names);
  }

  @Test
  void clusterShardingAndSignalAreReadableOverRemoteJmx() throws Exception {
    MeshplaneNode node = TestNodes.start(Map.of());
    Started started = null;
    try {
      int jmxPort = TestNodes.freePort();
      started = startJmx(node, new NodeJmx.Services(node.signal(), Optional.empty(), Optional.empty(),
          node.signal().map(signal -> signal::rebalanceNow)),
          TestJmx.withAccounts(jmxPort));
      assertEquals(Set.of("Cluster", "Sharding", "Signal"), started.names().keySet());
      ObjectName cluster = started.names().get("Cluster");
      ObjectName sharding = started.names().get("Sharding");
      ObjectName signal = started.names().get("Signal");

      // The short form jconsole builds from "host:port".
      JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
      // The operator login: rebalance below is an operation.
      try (JMXConnector connector = JMXConnectorFactory.connect(url,
              TestJmx.login(TestJmx.OPERATOR, TestJmx.OPERATOR_PASSWORD));
          SignalTestClient client = new SignalTestClient("127.0.0.1", node.signalPort())) {
        MBeanServerConnection mbeans = connector.getMBeanServerConnection();

        String self = (String) mbeans.getAttribute(cluster, "SelfAddress");
        Await.until(WAIT, "self Up and leader", () ->
            "Up".equals(attribute(mbeans, cluster, "SelfStatus"))
                && self.equals(attribute(mbeans, cluster, "Leader")));
        assertEquals(1, mbeans.getAttribute(cluster, "MemberCount"));
        String[] members = (String[]) mbeans.getAttribute(cluster, "Members");
        assertEquals(1, members.length);
        assertTrue(members[0].startsWith(self + " Up roles=["), members[0]);
        assertEquals(0, ((String[]) mbeans.getAttribute(cluster, "UnreachableMembers")).length);
        assertTrue(mbeans.queryNames(new ObjectName("pekko:type=Cluster,*"), null).size() >= 1,
            "Pekko's own cluster MBean stays registered");

        try (PeerStream a = client.connect("jmx-a-" + UUID.randomUUID());
            PeerStream b = client.connect("jmx-b-" + UUID.randomUUID())) {
          a.awaitRegistered(WAIT);
          b.awaitRegistered(WAIT);
          Await.until(WAIT, "2 connected peers over JMX",
              () -> Long.valueOf(2).equals(attribute(mbeans, signal, "ConnectedPeers")));
          assertEquals(2, mbeans.getAttribute(signal, "OpenStreams"));
          Await.until(WAIT, "2 peer sessions hosted here",
              () -> ((Integer) attribute(mbeans, sharding, "LocalEntities")) >= 2);
          assertTrue((Integer) mbeans.getAttribute(sharding, "LocalShards") >= 1);
          String[] regions = (String[]) mbeans.getAttribute(sharding, "Regions");
          assertEquals(1, regions.length, String.join("\n", regions));
          assertTrue(Pattern.compile("^" + Pattern.quote(self) + " shards=\\d+ entities=([2-9]|\\d\\d+)$")
              .matcher(regions[0]).matches(), regions[0]);
          String[] dropped = (String[]) mbeans.getAttribute(signal, "MessagesDropped");
          assertTrue(dropped.length > 0 && dropped[0].matches("[a-z_]+ \\d+"), String.join("\n", dropped));

          String report = Inspect.inspect("127.0.0.1:" + jmxPort,
              new Inspect.Login(Optional.of(TestJmx.READER), TestJmx.READER_PASSWORD, Optional.empty()));
          assertTrue(report.contains("Node " + self), report);
          assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(self) + "\\s+Up\\s+\\S+\\s+yes$")
              .matcher(report).find(), report);
          assertTrue(Pattern.compile("(?m)^  leader\\s+" + Pattern.quote(self) + "$").matcher(report).find(), report);
          assertTrue(Pattern.compile("(?m)^  connected peers\\s+2$").matcher(report).find(), report);
          assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(self) + "\\s+\\d+\\s+([2-9]|\\d\\d+)$")
              .matcher(report).find(), report);
        }

        assertEquals("rebalancing step requested: streams above the cluster mean are asked to reconnect", mbeans.invoke(sharding, "rebalance", null, null));
      }
    } finally {
      if (started != null) {
        started.jmx().close();
      }
      node.shutdown();
    }
    for (ObjectName name : started.names().values()) {
      assertFalse(PLATFORM.isRegistered(name), name + " unregistered");
    }
  }

  @Test
  void aSecondNodeInTheSameJvmGetsSuffixedNamesAndClosingFreesThePort() throws Exception {
    MeshplaneNode node = TestNodes.start(Map.of());
    Started first = null;
    Started second = null;
    try {
      int jmxPort = TestNodes.freePort();
      first = startJmx(node, NO_SERVICES, TestJmx.loopback(jmxPort));
      second = startJmx(node, NO_SERVICES, TestJmx.off());
      ObjectName firstSharding = first.names().get("Sharding");
      ObjectName secondSharding = second.names().get("Sharding");
      assertNotEquals(firstSharding, secondSharding);
      assertEquals(Set.of("Cluster", "Sharding"), first.names().keySet(), "no Signal MBean without signal");
      int remotingPort = node.system().address().getPort().orElseThrow();
      assertTrue(secondSharding.toString().contains("port=" + remotingPort), secondSharding.toString());

      assertEquals("rebalancing is not enabled on this node", PLATFORM.invoke(secondSharding, "rebalance", null, null));

      String report = Inspect.inspect("127.0.0.1:" + jmxPort);
      assertTrue(Pattern.compile("(?m)^Node ").matcher(report).results().count() >= 2, report);
      assertTrue(report.contains("(not running on this node)"), report);

      first.jmx().close();
      assertThrows(IOException.class, () -> Inspect.inspect("127.0.0.1:" + jmxPort));
    } finally {
      if (second != null) {
        second.jmx().close();
      }
      if (first != null) {
        first.jmx().close();
      }
      node.shutdown();
    }
  }

  private static Object attribute(MBeanServerConnection mbeans, ObjectName name, String attribute) {
    try {
      return mbeans.getAttribute(name, attribute);
    } catch (Exception e) {
      throw new AssertionError("cannot read " + name + " " + attribute, e);
    }
  }
}
