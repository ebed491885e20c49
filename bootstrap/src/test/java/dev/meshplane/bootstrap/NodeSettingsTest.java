package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.meshplane.bootstrap.certs.Certs;
import dev.meshplane.bootstrap.jmx.JmxAccount;
import dev.meshplane.bootstrap.jmx.JmxRole;
import dev.meshplane.bootstrap.jmx.JmxSettings;
import dev.meshplane.bootstrap.jmx.TestJmx;
import dev.meshplane.config.SettingProblem;
import dev.meshplane.config.SettingsException;
import dev.meshplane.relay.fabric.FabricSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {

  private static Config load(Map<String, String> env) {
    return NodeConfig.load(Optional.empty(), env);
  }

  @Test
  void defaultsMatchTheDocumentedPorts() {
    Config config = load(Map.of());
    MeshplaneSettings settings = MeshplaneSettings.read(config);
    NodeSettings node = settings.node();
    assertEquals(ClusterMode.DISABLED, node.clusterMode());
    assertEquals(8558, node.managementPort());
    assertEquals(9090, node.metricsPort());
    assertEquals(25520, node.remotingPort());
    assertEquals(10000, settings.signal().orElseThrow().port());
    assertTrue(settings.relay().isPresent(), "both roles by default");
    assertTrue(settings.fabric().isEmpty(), "no fabric on a lone node");
  }

  @Test
  void environmentOverridesTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.conf");
    Files.writeString(file, "meshplane.signal.port = 11111\nmeshplane.metrics.port = 9999\n");
    Config config = NodeConfig.load(Optional.of(file), Map.of("MESHPLANE_SIGNAL_PORT", "12345"));
    MeshplaneSettings settings = MeshplaneSettings.read(config);
    assertEquals(12345, settings.signal().orElseThrow().port());
    assertEquals(9999, settings.node().metricsPort());
  }

  @Test
  void meshplaneVariableWinsOverTheOpenzroOne() {
    Config config = load(Map.of("OZ_AUTH_SECRET", "from-openzro", "MESHPLANE_RELAY_AUTH_SECRET", "ours"));
    assertEquals("ours", config.getString("meshplane.relay.auth-secret"));
    assertEquals("from-openzro", load(Map.of("OZ_AUTH_SECRET", "from-openzro")).getString("meshplane.relay.auth-secret"));
  }

  @Test
  void invalidModeNamesTheSettingAndTheAcceptedValues() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_CLUSTER_MODE", "sideways"))));
    assertEquals("invalid setting meshplane.cluster.mode = 'sideways' (from env MESHPLANE_CLUSTER_MODE); accepted:"
        + " disabled, embedded, external", e.getMessage());
  }

  @Test
  void invalidPortsAreRejectedWithOneLine() {
    SettingsException notNumber = assertThrows(SettingsException.class,
        () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_SIGNAL_PORT", "ten"))));
    assertEquals(new SettingProblem("meshplane.signal.port", "'ten'", "a port (1-65535, or 0 for any free port)",
        "env MESHPLANE_SIGNAL_PORT"), notNumber.problem("meshplane.signal.port"));
    SettingsException outOfRange = assertThrows(SettingsException.class,
        () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_METRICS_PORT", "70000"))));
    assertEquals(new SettingProblem("meshplane.metrics.port", "'70000'", "a port (1-65535, or 0 for any free port)",
        "env MESHPLANE_METRICS_PORT"), outOfRange.problem("meshplane.metrics.port"));
  }

  @Test
  void unknownRoleAndHalfConfiguredTlsAreRejected(@TempDir Path dir) throws Exception {
    SettingsException role = assertThrows(SettingsException.class,
        () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_ROLES", "signal,teleport"))));
    assertEquals("'signal,teleport'", role.problem("meshplane.roles").value());
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    SettingsException e = assertThrows(SettingsException.class,
        () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_SIGNAL_TLS_CERT_FILE", cert.toString()))));
    assertTrue(e.problem("meshplane.signal.tls.key-file").accepted().contains("set together with"), e.getMessage());
  }

  @Test
  void pingTimeoutMustLeaveRoomToDetectAMissedAck() {
    Config config = com.typesafe.config.ConfigFactory.parseString(
        "meshplane.signal.keepalive { ping-interval = 10s, ping-timeout = 10s }").withFallback(load(Map.of()));
    SettingsException e = assertThrows(SettingsException.class, () -> MeshplaneSettings.read(config));
    assertTrue(e.problem("meshplane.signal.keepalive.ping-timeout").accepted().contains("divides"), e.getMessage());
  }

  @Test
  void unsupportedModeStopsStartupWithASettingsError() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> TestNodes.start(Map.of("meshplane.cluster.mode", "external")));
    assertEquals("'external'", e.problem("meshplane.cluster.mode").value());
  }

  @Test
  void embeddedConfigDiscoveryNeedsPeers() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> TestNodes.start(Map.of("meshplane.cluster.mode", "embedded")));
    assertEquals("''", e.problem("meshplane.cluster.discovery.peers").value());
  }

  @Test
  void clusteredRelayWithoutFabricSecretRefusesToStart() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> TestNodes.start(Map.of("meshplane.cluster.mode", "embedded",
            "meshplane.cluster.discovery.peers", "127.0.0.1:8558",
            "meshplane.relay.auth-secret", "relay-secret")));
    SettingProblem secret = e.problem("meshplane.relay.fabric.secret");
    assertEquals("''", secret.value());
    assertTrue(secret.accepted().contains("MESHPLANE_FABRIC_SECRET"), e.getMessage());
    assertTrue(secret.accepted().contains("MESHPLANE_FABRIC_TRUSTED_BACKPLANE"), e.getMessage());
  }

  @Test
  void fabricSettingsComeFromOpenzroVariables() {
    Config config = load(Map.of("OZ_CLUSTER_PORT", "7191", "OZ_CLUSTER_AUTH_SECRET", "raw secret",
        "OZ_CLUSTER_HEADLESS", "relay-internal", "OZ_POD_IP", "10.1.2.3"));
    FabricSettings fabric = FabricSettings.fromConfig(config);
    assertEquals(7191, fabric.port());
    assertEquals("raw secret", new String(fabric.secretBytes(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(Optional.of("relay-internal"), fabric.headless());
    assertEquals(Optional.of("10.1.2.3"), fabric.announceHost());
    assertTrue(fabric.activeFor(false), "a headless name turns the fabric on, as in openzro");
    Config ours = load(Map.of("MESHPLANE_FABRIC_PORT", "7192", "OZ_CLUSTER_PORT", "7191",
        "MESHPLANE_FABRIC_TRUSTED_BACKPLANE", "true", "MESHPLANE_FABRIC_ENABLED", "off"));
    FabricSettings preferred = FabricSettings.fromConfig(ours);
    assertEquals(7192, preferred.port(), "MESHPLANE_ names win over openzro's");
    assertTrue(preferred.trustedBackplane());
    assertTrue(!preferred.activeFor(true));
  }

  @Test
  void clusterPeersAcceptHostPortsAndOpenzroNatsRoutes() {
    Config config = load(Map.of("MESHPLANE_CLUSTER_MODE", "embedded", "MESHPLANE_ROLES", "signal",
        "MESHPLANE_CLUSTER_TRUSTED_NETWORK", "true",
        "OPENZRO_CLUSTER_PEERS", "nats://signal-0.signal-headless:6222, nats://signal-1.signal-headless:6222"));
    ClusterSettings cluster = MeshplaneSettings.read(config).cluster();
    assertEquals(java.util.List.of(new ClusterSettings.HostPort("signal-0.signal-headless", 8558),
        new ClusterSettings.HostPort("signal-1.signal-headless", 8558)), cluster.peers());
    assertEquals(java.util.List.of(new ClusterSettings.HostPort("10.0.0.1", 8558),
            new ClusterSettings.HostPort("10.0.0.2", 9000)),
        MeshplaneSettings.read(load(Map.of("MESHPLANE_CLUSTER_PEERS", "10.0.0.1, 10.0.0.2:9000"))).cluster().peers());
    SettingsException bad = assertThrows(SettingsException.class,
        () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_CLUSTER_PEERS", "10.0.0.1:notaport"))));
    assertEquals("'10.0.0.1:notaport'", bad.problem("meshplane.cluster.discovery.peers").value());
    SettingsException pigeon = assertThrows(SettingsException.class,
        () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_DISCOVERY", "carrier-pigeon"))));
    assertEquals("'carrier-pigeon'", pigeon.problem("meshplane.cluster.discovery.method").value());
  }
  @Test
  void aLoneNodesRemotingListensOnLoopbackWhateverItsHost() {
    NodeSettings node = MeshplaneSettings.read(load(Map.of("MESHPLANE_HOST", "10.0.0.5"))).node();
    Config pekko = NodeConfig.pekkoOverlay(node);
    assertEquals("127.0.0.1", pekko.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals("127.0.0.1", pekko.getString("pekko.remote.artery.bind.hostname"));
    assertEquals("tcp", pekko.getString("pekko.remote.artery.transport"));
    assertEquals("0.0.0.0", pekko.getString("pekko.management.http.bind-hostname"), "/ready stays where probes look");
    assertTrue(!node.remotingUnauthenticated());
  }

  @Test
  void anEmbeddedNodeSpeaksMutualTlsOnItsOwnAddress(@TempDir Path dir) {
    Path tls = certificates(dir, "10.0.0.5");
    NodeSettings node = MeshplaneSettings.read(load(embedded(Map.of("MESHPLANE_REMOTING_TLS_DIR", tls.toString()))))
        .node();
    Config pekko = NodeConfig.pekkoOverlay(node);
    assertEquals("tls-tcp", pekko.getString("pekko.remote.artery.transport"));
    assertEquals(RotatingKeysSSLEngineProvider.class.getName(),
        pekko.getString("pekko.remote.artery.ssl.ssl-engine-provider"));
    String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
    assertEquals(tls.resolve("tls.crt").toAbsolutePath().toString(), pekko.getString(engine + "cert-file"));
    assertEquals(tls.resolve("tls.key").toAbsolutePath().toString(), pekko.getString(engine + "key-file"));
    assertEquals(tls.resolve("ca.crt").toAbsolutePath().toString(), pekko.getString(engine + "ca-cert-file"));
    assertEquals("10.0.0.5", pekko.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals("10.0.0.5", pekko.getString("pekko.remote.artery.bind.hostname"), "never every interface");
    assertEquals("10.0.0.5", pekko.getString("pekko.management.http.bind-hostname"));
    assertTrue(!node.remotingUnauthenticated());
  }

  @Test
  void aTrustedNetworkRunsPlainTcpOnTheNodesAddress() {
    NodeSettings node = MeshplaneSettings.read(load(embedded(Map.of("MESHPLANE_CLUSTER_TRUSTED_NETWORK", "true"))))
        .node();
    Config pekko = NodeConfig.pekkoOverlay(node);
    assertEquals("tcp", pekko.getString("pekko.remote.artery.transport"));
    assertEquals("10.0.0.5", pekko.getString("pekko.remote.artery.bind.hostname"));
    assertEquals("10.0.0.5", pekko.getString("pekko.management.http.bind-hostname"));
    assertTrue(node.remotingUnauthenticated(), "what start-up warns about");
  }

  @Test
  void remotingTlsFilesPekkoCannotUseStopStartup(@TempDir Path dir) throws Exception {
    Path ours = certificates(dir.resolve("ours"), "10.0.0.5");
    Path theirs = certificates(dir.resolve("theirs"), "10.0.0.5");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    String ecKey = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(ec.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("an unencrypted RSA private key", withFile(ours, dir.resolve("ec"), "tls.key", ecKey));
    cases.put("issued by its ca.crt",
        withFile(ours, dir.resolve("other-ca"), "ca.crt", Files.readString(theirs.resolve("ca.crt"))));
    cases.put("the private key of its tls.crt",
        withFile(ours, dir.resolve("swapped"), "tls.key", Files.readString(theirs.resolve("tls.key"))));
    cases.put("PEM X.509 certificates", withFile(ours, dir.resolve("garbage"), "tls.crt", "garbage"));
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      SettingsException e = assertThrows(SettingsException.class,
          () -> MeshplaneSettings.read(load(Map.of("MESHPLANE_REMOTING_TLS_DIR", bad.getValue()))), bad.getKey());
      assertEquals(1, e.problems().size(), e.getMessage());
      assertTrue(e.problem("meshplane.remoting.tls.dir").accepted().contains(bad.getKey()), e.getMessage());
    }
    assertTrue(MeshplaneSettings.read(load(Map.of("MESHPLANE_REMOTING_TLS_DIR", ours.toString()))).node()
        .remotingTlsDir().isPresent(), "the untouched files pass");
  }

  /** An embedded signal node at 10.0.0.5 with {@code extra}. */
  private static Map<String, String> embedded(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("MESHPLANE_CLUSTER_MODE", "embedded", "MESHPLANE_HOST", "10.0.0.5",
        "MESHPLANE_CLUSTER_PEERS", "10.0.0.5", "MESHPLANE_ROLES", "signal"));
    env.putAll(extra);
    return env;
  }

  /** {@code ./meshplane certs DIR --nodes HOST}; returns the node's directory. */
  static Path certificates(Path dir, String host) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    assertEquals(0, Certs.run(new String[] {dir.toString(), "--nodes", host}, quiet, System.err));
    return dir.resolve(host);
  }

  /** A copy of the TLS directory {@code from} in which {@code file} says {@code text}. */
  private static String withFile(Path from, Path to, String file, String text) throws IOException {
    Files.createDirectories(to);
    for (String name : new String[] {"tls.crt", "tls.key", "ca.crt"}) {
      Files.copy(from.resolve(name), to.resolve(name));
    }
    Files.writeString(to.resolve(file), text);
    return to.toString();
  }

  @Test
  void operatorListenersHaveLimitsAndJmxIsOffByDefault() {
    NodeSettings node = MeshplaneSettings.read(load(Map.of())).node();
    assertEquals(new HttpListenerLimits(256, Duration.ofSeconds(10), Duration.ofSeconds(5)), node.managementLimits());
    assertEquals(new HttpListenerLimits(64, Duration.ofSeconds(10), Duration.ofSeconds(10)), node.metricsLimits());
    assertTrue(node.jmx().port().isEmpty());
    assertEquals("127.0.0.1", node.jmx().host());
    assertTrue(node.jmx().accounts().isEmpty());
  }

  @Test
  void jmxOnLoopbackNeedsNoAccountAndElsewhereTakesAccountsAndTls() throws Exception {
    JmxSettings loopback = MeshplaneSettings.read(load(Map.of("MESHPLANE_JMX_PORT", "9010",
        "MESHPLANE_HOST", "10.0.0.5", "MESHPLANE_JMX_HOST", "127.0.0.1"))).node().jmx();
    assertEquals(OptionalInt.of(9010), loopback.port());
    assertEquals("127.0.0.1", loopback.host());

    String pem = TestJmx.certificate().toString();
    Map<String, String> env = new HashMap<>(Map.of("MESHPLANE_JMX_PORT", "9010", "MESHPLANE_HOST", "10.0.0.5",
        "MESHPLANE_JMX_USER", "inspector", "MESHPLANE_JMX_PASSWORD", "reads",
        "MESHPLANE_JMX_OPERATOR_USER", "ops", "MESHPLANE_JMX_OPERATOR_PASSWORD", "operates"));
    env.put("MESHPLANE_JMX_TLS_CERT_FILE", pem);
    env.put("MESHPLANE_JMX_TLS_KEY_FILE", pem.replace("jmx.crt", "jmx.key"));
    JmxSettings remote = MeshplaneSettings.read(load(env)).node().jmx();
    assertEquals("10.0.0.5", remote.host(), "the JMX host follows the node's");
    assertTrue(remote.tls());
    assertEquals(List.of(new JmxAccount("inspector", "reads", JmxRole.READER),
        new JmxAccount("ops", "operates", JmxRole.OPERATOR)), remote.accounts());
    assertTrue(!remote.toString().contains("operates"), "no password in " + remote);

    env.put("MESHPLANE_JMX_OPERATOR_USER", "inspector");
    SettingsException same = assertThrows(SettingsException.class, () -> MeshplaneSettings.read(load(env)));
    assertEquals("'inspector'", same.problem("meshplane.jmx.operator.user").value());
  }
}
