package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.meshplane.actors.signal.SignalSettings;
import dev.meshplane.relay.fabric.FabricSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {

  private static Config load(Map<String, String> env) {
    return NodeConfig.load(Optional.empty(), env);
  }

  @Test
  void defaultsMatchTheDocumentedPorts() {
    Config config = load(Map.of());
    NodeSettings node = NodeSettings.fromConfig(config);
    assertEquals(ClusterMode.DISABLED, node.clusterMode());
    assertEquals(8558, node.managementPort());
    assertEquals(9090, node.metricsPort());
    assertEquals(25520, node.remotingPort());
    assertEquals(10000, SignalSettings.fromConfig(config).port());
  }

  @Test
  void environmentOverridesTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.conf");
    Files.writeString(file, "meshplane.signal.port = 11111\nmeshplane.metrics.port = 9999\n");
    Config config = NodeConfig.load(Optional.of(file), Map.of("MESHPLANE_SIGNAL_PORT", "12345"));
    assertEquals(12345, SignalSettings.fromConfig(config).port());
    assertEquals(9999, NodeSettings.fromConfig(config).metricsPort());
  }

  @Test
  void meshplaneVariableWinsOverTheOpenzroOne() {
    Config config = load(Map.of("OZ_AUTH_SECRET", "from-openzro", "MESHPLANE_RELAY_AUTH_SECRET", "ours"));
    assertEquals("ours", config.getString("meshplane.relay.auth-secret"));
    assertEquals("from-openzro", load(Map.of("OZ_AUTH_SECRET", "from-openzro")).getString("meshplane.relay.auth-secret"));
  }

  @Test
  void invalidModeNamesTheSettingAndTheAcceptedValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeSettings.fromConfig(load(Map.of("MESHPLANE_CLUSTER_MODE", "sideways"))));
    assertEquals("meshplane.cluster.mode: 'sideways' is not a mode (accepted: disabled, embedded, external)",
        e.getMessage());
  }

  @Test
  void invalidPortsAreRejectedWithOneLine() {
    IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
        () -> SignalSettings.fromConfig(load(Map.of("MESHPLANE_SIGNAL_PORT", "ten"))));
    assertTrue(notNumber.getMessage().startsWith("meshplane.signal.port: 'ten' is not a whole number"));
    IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
        () -> NodeSettings.fromConfig(load(Map.of("MESHPLANE_METRICS_PORT", "70000"))));
    assertTrue(outOfRange.getMessage().startsWith("meshplane.metrics.port: 70000 is not a port"));
    assertEquals(Optional.of("MESHPLANE_METRICS_PORT"),
        EnvOverrides.variableFor("meshplane.metrics.port", Map.of("MESHPLANE_METRICS_PORT", "70000")));
  }

  @Test
  void unknownRoleAndHalfConfiguredTlsAreRejected(@TempDir Path dir) throws Exception {
    assertThrows(IllegalArgumentException.class,
        () -> NodeSettings.fromConfig(load(Map.of("MESHPLANE_ROLES", "signal,teleport"))));
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SignalSettings.fromConfig(load(Map.of("MESHPLANE_SIGNAL_TLS_CERT_FILE", cert.toString()))));
    assertTrue(e.getMessage().contains("set both cert-file and key-file"), e.getMessage());
  }

  @Test
  void pingTimeoutMustLeaveRoomToDetectAMissedAck() {
    Config config = com.typesafe.config.ConfigFactory.parseString(
        "meshplane.signal.keepalive { ping-interval = 10s, ping-timeout = 10s }").withFallback(load(Map.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignalSettings.fromConfig(config));
    assertTrue(e.getMessage().startsWith("meshplane.signal.keepalive.ping-timeout: must divide ping-interval"),
        e.getMessage());
  }

  @Test
  void unsupportedModeStopsStartupWithASettingsError() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> TestNodes.start(Map.of("meshplane.cluster.mode", "external")));
    assertTrue(e.getMessage().startsWith("meshplane.cluster.mode:"), e.getMessage());
  }

  @Test
  void embeddedConfigDiscoveryNeedsPeers() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> TestNodes.start(Map.of("meshplane.cluster.mode", "embedded")));
    assertTrue(e.getMessage().startsWith("meshplane.cluster.discovery.peers: empty"), e.getMessage());
  }

  @Test
  void clusteredRelayWithoutFabricSecretRefusesToStart() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> TestNodes.start(Map.of("meshplane.cluster.mode", "embedded",
            "meshplane.cluster.discovery.peers", "127.0.0.1:8558",
            "meshplane.relay.auth-secret", "relay-secret")));
    assertTrue(e.getMessage().startsWith("meshplane.relay.fabric.secret: not set"), e.getMessage());
    assertTrue(e.getMessage().contains("MESHPLANE_FABRIC_SECRET"), e.getMessage());
    assertTrue(e.getMessage().contains("MESHPLANE_FABRIC_TRUSTED_BACKPLANE"), e.getMessage());
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
    Config config = load(Map.of("MESHPLANE_CLUSTER_MODE", "embedded",
        "OPENZRO_CLUSTER_PEERS", "nats://signal-0.signal-headless:6222, nats://signal-1.signal-headless:6222"));
    NodeSettings node = NodeSettings.fromConfig(config);
    ClusterSettings cluster = ClusterSettings.fromConfig(config, node);
    assertEquals(java.util.List.of(new ClusterSettings.HostPort("signal-0.signal-headless", 8558),
        new ClusterSettings.HostPort("signal-1.signal-headless", 8558)), cluster.peers());
    assertEquals(java.util.List.of(new ClusterSettings.HostPort("10.0.0.1", 8558),
            new ClusterSettings.HostPort("10.0.0.2", 9000)),
        ClusterSettings.parsePeers("10.0.0.1, 10.0.0.2:9000", 8558));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ClusterSettings.parsePeers("10.0.0.1:notaport", 8558));
    assertTrue(bad.getMessage().startsWith("meshplane.cluster.discovery.peers: '10.0.0.1:notaport'"), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClusterSettings.fromConfig(
        load(Map.of("MESHPLANE_DISCOVERY", "carrier-pigeon")), node));
  }
}
