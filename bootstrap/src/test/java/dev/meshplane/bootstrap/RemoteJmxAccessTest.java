package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.bootstrap.jmx.NodeJmx;
import dev.meshplane.bootstrap.jmx.TestJmx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Remote JMX with accounts, as an attacker and as operators see it: JDK JMX clients over
 * loopback against a node's MBeans, with the JVM's own (DiagnosticCommand, HotSpotDiagnostic,
 * Runtime) on the same platform MBean server.
 */
class RemoteJmxAccessTest {

  private static final ObjectName DIAGNOSTIC_COMMAND = name("com.sun.management:type=DiagnosticCommand");
  private static final ObjectName HOTSPOT_DIAGNOSTIC = name("com.sun.management:type=HotSpotDiagnostic");
  private static final ObjectName RUNTIME = name("java.lang:type=Runtime");
  private static final ObjectName MLET = name("attacker:type=MLet");

  private static MeshplaneNode node;
  private static NodeJmx jmx;
  private static NodeJmx tlsJmx;
  private static int port;
  private static int tlsPort;
  private static final AtomicInteger rebalances = new AtomicInteger();
  /** The MBeans {@link #jmx} registered, by type (the node under test registered its own before). */
  private static final Map<String, ObjectName> names = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    TestJmx.trustCertificate();
    node = TestNodes.start(Map.of());
    port = TestNodes.freePort();
    tlsPort = TestNodes.freePort();
    ObjectName meshplane = name("dev.meshplane:*");
    Set<ObjectName> before = ManagementFactory.getPlatformMBeanServer().queryNames(meshplane, null);
    jmx = NodeJmx.start(node.system(), new NodeJmx.Services(node.signal(), Optional.empty(), Optional.empty(),
        Optional.of(rebalances::incrementAndGet)), TestJmx.withAccounts(port));
    for (ObjectName name : ManagementFactory.getPlatformMBeanServer().queryNames(meshplane, null)) {
      if (!before.contains(name)) {
        names.put(name.getKeyProperty("type"), name);
      }
    }
    tlsJmx = NodeJmx.start(node.system(), new NodeJmx.Services(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty()), TestJmx.withAccountsAndTls(tlsPort));
  }

  @AfterAll
  static void stop() {
    tlsJmx.close();
    jmx.close();
    node.shutdown();
  }

  @Test
  void aConnectionWithoutTheRightLoginIsRefused() {
    assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url(port)).close());
    assertThrows(SecurityException.class,
        () -> JMXConnectorFactory.connect(url(port), TestJmx.login(TestJmx.OPERATOR, "guess")).close());
    assertThrows(SecurityException.class,
        () -> JMXConnectorFactory.connect(url(port), TestJmx.login("root", TestJmx.OPERATOR_PASSWORD)).close());
  }

  @Test
  void theReaderReadsButRunsNoOperation() throws Exception {
    try (JMXConnector reader = JMXConnectorFactory.connect(url(port),
        TestJmx.login(TestJmx.READER, TestJmx.READER_PASSWORD))) {
      MBeanServerConnection mbeans = reader.getMBeanServerConnection();
      assertEquals(node.system().address().toString(), mbeans.getAttribute(cluster(), "SelfAddress"));

      assertThrows(SecurityException.class, () -> mbeans.invoke(cluster(), "leave", null, null));
      assertThrows(SecurityException.class, () -> mbeans.invoke(sharding(), "rebalance", null, null));
    }
    assertEquals(0, rebalances.get(), "no rebalance ran");
    assertEquals("Up", ManagementFactory.getPlatformMBeanServer().getAttribute(cluster(), "SelfStatus"),
        "the node did not leave");
  }

  @Test
  void theOperatorRunsTheNodesOperations() throws Exception {
    int before = rebalances.get();
    try (JMXConnector operator = JMXConnectorFactory.connect(url(port),
        TestJmx.login(TestJmx.OPERATOR, TestJmx.OPERATOR_PASSWORD))) {
      assertEquals("rebalancing step requested: streams above the cluster mean are asked to reconnect",
          operator.getMBeanServerConnection().invoke(sharding(), "rebalance", null, null));
    }
    assertEquals(before + 1, rebalances.get());
  }

  @Test
  void nobodyCreatesMBeansOrReachesTheJvmsOwn() throws Exception {
    for (String[] login : List.of(new String[] {TestJmx.READER, TestJmx.READER_PASSWORD},
        new String[] {TestJmx.OPERATOR, TestJmx.OPERATOR_PASSWORD})) {
      try (JMXConnector client = JMXConnectorFactory.connect(url(port), TestJmx.login(login[0], login[1]))) {
        MBeanServerConnection mbeans = client.getMBeanServerConnection();
        assertThrows(SecurityException.class, () -> mbeans.createMBean("javax.management.loading.MLet", MLET),
            login[0]);
        assertThrows(SecurityException.class, () -> mbeans.invoke(DIAGNOSTIC_COMMAND, "jvmtiAgentLoad",
            new Object[] {new String[] {"/tmp/agent.jar"}}, new String[] {String[].class.getName()}), login[0]);
        assertThrows(SecurityException.class, () -> mbeans.invoke(DIAGNOSTIC_COMMAND, "vmSystemProperties",
            new Object[] {new String[0]}, new String[] {String[].class.getName()}), login[0]);
        assertThrows(SecurityException.class, () -> mbeans.invoke(HOTSPOT_DIAGNOSTIC, "dumpHeap",
            new Object[] {"/tmp/heap.hprof", true}, new String[] {String.class.getName(), "boolean"}), login[0]);
        assertThrows(SecurityException.class, () -> mbeans.getAttribute(RUNTIME, "SystemProperties"), login[0]);
        assertThrows(SecurityException.class, () -> mbeans.unregisterMBean(cluster()), login[0]);
        assertThrows(SecurityException.class, () -> mbeans.invoke(name("pekko:type=Cluster"), "down",
            new Object[] {node.system().address().toString()}, new String[] {String.class.getName()}), login[0]);

        for (ObjectName visible : mbeans.queryNames(null, null)) {
          assertTrue(visible.getDomain().equals("dev.meshplane") || visible.toString().startsWith("pekko:type=Cluster")
              || visible.equals(MBeanServerDelegate.DELEGATE_NAME), visible.toString());
        }
        assertTrue(mbeans.queryNames(name("dev.meshplane:*"), null).contains(cluster()));
      }
    }
    assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(MLET), "no MLet was created");
    assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(cluster()), "nothing was unregistered");
  }

  @Test
  void aDelegatedSubjectNamingTheOperatorGetsNothing() throws Exception {
    Subject operator = new Subject(true, Set.of(new JMXPrincipal(TestJmx.OPERATOR)), Set.of(), Set.of());
    int before = rebalances.get();
    try (JMXConnector reader = JMXConnectorFactory.connect(url(port),
        TestJmx.login(TestJmx.READER, TestJmx.READER_PASSWORD))) {
      MBeanServerConnection asOperator = reader.getMBeanServerConnection(operator);
      Exception refused = assertThrows(Exception.class, () -> asOperator.invoke(sharding(), "rebalance", null, null));
      // The node does not even read the subject (only JDK and JMX types are deserialized); had it
      // read one, a subject without the role the login gave would still be refused.
      assertTrue(refused instanceof SecurityException || refused instanceof IOException, refused.toString());
    }
    assertEquals(before, rebalances.get(), "no rebalance ran");
  }

  @Test
  void overTlsInspectLogsInWithTheNodesVariablesAndAPlainClientGetsNowhere() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MESHPLANE_JMX_USER", TestJmx.READER);
    env.put("MESHPLANE_JMX_PASSWORD", TestJmx.READER_PASSWORD);
    env.put("MESHPLANE_JMX_TLS_CERT_FILE", TestJmx.certificate().toString());
    Run inspect = inspect(env, "127.0.0.1:" + tlsPort);
    assertEquals(0, inspect.status(), inspect.err());
    assertTrue(inspect.out().contains("Node " + node.system().address()), inspect.out());

    env.remove("MESHPLANE_JMX_PASSWORD");
    Run withoutPassword = inspect(env, "127.0.0.1:" + tlsPort);
    assertEquals(2, withoutPassword.status(), withoutPassword.err());
    assertTrue(withoutPassword.err().contains("set MESHPLANE_JMX_PASSWORD"), withoutPassword.err());

    Run withoutLogin = inspect(Map.of("MESHPLANE_JMX_TLS_CERT_FILE", TestJmx.certificate().toString()),
        "127.0.0.1:" + tlsPort);
    assertEquals(1, withoutLogin.status(), withoutLogin.err());
    assertTrue(withoutLogin.err().contains("refused"), withoutLogin.err());

    assertThrows(IOException.class, () -> JMXConnectorFactory.connect(url(tlsPort),
        TestJmx.login(TestJmx.READER, TestJmx.READER_PASSWORD)).close());
  }

  private record Run(int status, String out, String err) {}

  private static Run inspect(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = TestJmx.inspect(args, env, outStream, errStream);
    }
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static ObjectName cluster() {
    return names.get("Cluster");
  }

  private static ObjectName sharding() {
    return names.get("Sharding");
  }

  private static JMXServiceURL url(int jmxPort) throws IOException {
    return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
  }

  private static ObjectName name(String text) {
    try {
      return new ObjectName(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
