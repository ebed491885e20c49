package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.bootstrap.jmx.TestJmx;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * The Sharding MBean's {@code rebalance()} as a node wires it from its settings: a step on demand
 * where rebalancing is on, a refusal where it is off (docs/inspection.md). Driven over the node's
 * own remote JMX port with the operator login, as an operator would.
 */
class JmxRebalanceWiringTest {

  @Test
  void withRebalancingOffTheOperationIsRefused() throws Exception {
    assertEquals("rebalancing is not enabled on this node", rebalanceOn(Map.of()));
  }

  @Test
  void withRebalancingOnTheOperationTakesAStep() throws Exception {
    assertEquals("rebalancing step requested: streams above the cluster mean are asked to reconnect",
        rebalanceOn(Map.of("meshplane.signal.rebalance.enabled", "on")));
  }

  private static Object rebalanceOn(Map<String, Object> settings) throws Exception {
    int jmxPort = TestNodes.freePort();
    Map<String, Object> withJmx = new HashMap<>(settings);
    withJmx.put("meshplane.jmx.port", jmxPort);
    withJmx.put("meshplane.jmx.operator.user", TestJmx.OPERATOR);
    withJmx.put("meshplane.jmx.operator.password", TestJmx.OPERATOR_PASSWORD);
    MeshplaneNode node = TestNodes.start(withJmx);
    try (JMXConnector operator = JMXConnectorFactory.connect(
        new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"),
        TestJmx.login(TestJmx.OPERATOR, TestJmx.OPERATOR_PASSWORD))) {
      MBeanServerConnection mbeans = operator.getMBeanServerConnection();
      return mbeans.invoke(shardingOf(node, mbeans), "rebalance", null, null);
    } finally {
      node.shutdown();
    }
  }

  /** This node's Sharding MBean: the one beside the Cluster MBean that names this node. */
  private static ObjectName shardingOf(MeshplaneNode node, MBeanServerConnection mbeans) throws Exception {
    String self = node.system().address().toString();
    for (ObjectName cluster : mbeans.queryNames(new ObjectName("dev.meshplane:type=Cluster,*"), null)) {
      if (self.equals(mbeans.getAttribute(cluster, "SelfAddress"))) {
        Hashtable<String, String> keys = new Hashtable<>(cluster.getKeyPropertyList());
        keys.put("type", "Sharding");
        return new ObjectName(cluster.getDomain(), keys);
      }
    }
    throw new AssertionError("no Cluster MBean for " + self);
  }
}
