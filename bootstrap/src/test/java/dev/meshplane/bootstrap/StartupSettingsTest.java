package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an operator sees when start-up refuses settings: exit status 2 and one line per bad
 * setting, naming the key, the value, where it came from and what is accepted. Every setting a
 * node has is covered: the table below must name each key of the defaults, with a value that is
 * refused, or say that the key takes any text.
 */
class StartupSettingsTest {

  @TempDir
  static Path dir;

  private static Path pem;

  /** Keys whose every value is valid text (names, selectors, secrets used as-is). */
  private static final Set<String> ANY_TEXT = Set.of(
      "meshplane.cluster.discovery.service-name",
      "meshplane.cluster.discovery.kubernetes.pod-label-selector",
      "meshplane.relay.auth-secret",
      "meshplane.relay.fabric.secret",
      "meshplane.relay.fabric.headless");

  @BeforeAll
  static void files() throws IOException {
    pem = Files.writeString(dir.resolve("some.pem"), "not checked when the other file is refused");
  }

  /** Key → configuration text (HOCON) in which that key, and only that key, is refused. */
  private static Map<String, String> badValues() {
    Map<String, String> bad = new LinkedHashMap<>();
    // Remote JMX advertises the node's host unless told otherwise, so it is named here, or its
    // host would be refused too.
    bad.put("meshplane.host", "\"\"\nmeshplane.jmx.host = 127.0.0.1");
    // The relay listener binds where the node binds unless told otherwise: signal only, or its
    // host would be refused too.
    bad.put("meshplane.bind-host", "\"not a host\"\nmeshplane.roles = signal");
    bad.put("meshplane.roles", "teleport");
    bad.put("meshplane.cluster.mode", "sideways");
    bad.put("meshplane.cluster.discovery.method", "carrier-pigeon");
    bad.put("meshplane.cluster.discovery.peers", "\"10.0.0.1:notaport\"");
    bad.put("meshplane.cluster.discovery.dns.nameservers", "\"1.1.1.1:99999\"");
    bad.put("meshplane.cluster.discovery.required-contact-points", "0");
    bad.put("meshplane.cluster.discovery.stable-margin", "-3s");
    bad.put("meshplane.cluster.split-brain-resolver.active-strategy", "coin-toss");
    bad.put("meshplane.cluster.split-brain-resolver.stable-after", "0s");
    bad.put("meshplane.cluster.trusted-network", "perhaps");
    bad.put("meshplane.management.port", "70000");
    bad.put("meshplane.management.max-connections", "0");
    bad.put("meshplane.management.idle-timeout", "0s");
    bad.put("meshplane.management.request-timeout", "-1s");
    bad.put("meshplane.metrics.port", "-1");
    bad.put("meshplane.metrics.max-connections", "-5");
    bad.put("meshplane.metrics.idle-timeout", "soon");
    bad.put("meshplane.metrics.request-timeout", "0ms");
    bad.put("meshplane.jmx.port", "abc");
    bad.put("meshplane.jmx.host", "\"\"");
    bad.put("meshplane.jmx.reader.user", "inspector");
    bad.put("meshplane.jmx.reader.password", "\"without-a-user\"");
    bad.put("meshplane.jmx.operator.user", "ops");
    bad.put("meshplane.jmx.operator.password", "\"without-a-user\"");
    bad.put("meshplane.jmx.tls.cert-file", "\"/nonexistent/cert.pem\"\nmeshplane.jmx.tls.key-file = \"" + pem + "\"");
    bad.put("meshplane.jmx.tls.key-file", "\"/nonexistent/key.pem\"\nmeshplane.jmx.tls.cert-file = \"" + pem + "\"");
    bad.put("meshplane.remoting.port", "ten");
    bad.put("meshplane.remoting.tls.dir", "\"/nonexistent/remoting-tls\"");
    bad.put("meshplane.log.format", "xml");
    bad.put("meshplane.log.level", "LOUD");
    bad.put("meshplane.shutdown.readiness-delay", "-1s");
    bad.put("meshplane.signal.port", "70000");
    bad.put("meshplane.signal.buffer.max-messages", "-1");
    bad.put("meshplane.signal.buffer.max-age", "-1s");
    bad.put("meshplane.signal.buffer.max-bytes", "1KiB");
    bad.put("meshplane.signal.connection-queue-size", "0");
    bad.put("meshplane.signal.connection-queue-max-bytes", "0");
    bad.put("meshplane.signal.max-message-size", "2GiB");
    bad.put("meshplane.signal.max-buffered-bytes", "lots");
    bad.put("meshplane.signal.idle-timeout", "30s");
    bad.put("meshplane.signal.max-resets-per-second", "-1");
    bad.put("meshplane.signal.attach-timeout", "0s");
    bad.put("meshplane.signal.idle-passivation", "soon");
    bad.put("meshplane.signal.tls.cert-file", "\"/nonexistent/cert.pem\"\nmeshplane.signal.tls.key-file = \"" + pem + "\"");
    bad.put("meshplane.signal.tls.key-file", "\"/nonexistent/key.pem\"\nmeshplane.signal.tls.cert-file = \"" + pem + "\"");
    bad.put("meshplane.signal.keepalive.ping-interval", "-20s");
    bad.put("meshplane.signal.keepalive.ping-timeout", "3s");
    bad.put("meshplane.signal.drain-timeout", "-5s");
    bad.put("meshplane.signal.reattach-interval", "0s");
    bad.put("meshplane.signal.send.attempt-timeout", "0ms");
    bad.put("meshplane.signal.send.retry-budget", "never");
    bad.put("meshplane.signal.rebalance.enabled", "sometimes");
    bad.put("meshplane.signal.rebalance.tolerance", "11");
    bad.put("meshplane.signal.rebalance.max-per-step", "0");
    bad.put("meshplane.signal.rebalance.interval", "-5s");
    bad.put("meshplane.relay.host", "\"\"");
    bad.put("meshplane.relay.port", "70000");
    bad.put("meshplane.relay.exposed-address", "\"http://relay:80\"");
    bad.put("meshplane.relay.tls.cert-file", "\"/nonexistent/cert.pem\"\nmeshplane.relay.tls.key-file = \"" + pem + "\"");
    bad.put("meshplane.relay.tls.key-file", "\"/nonexistent/key.pem\"\nmeshplane.relay.tls.cert-file = \"" + pem + "\"");
    bad.put("meshplane.relay.handshake-timeout", "0s");
    bad.put("meshplane.relay.health-check-interval", "35s");
    bad.put("meshplane.relay.health-check-timeout", "10s");
    bad.put("meshplane.relay.health-check-failure-threshold", "0");
    bad.put("meshplane.relay.max-connections", "-1");
    bad.put("meshplane.relay.max-handshaking-connections", "0");
    bad.put("meshplane.relay.max-connections-per-address", "-5");
    bad.put("meshplane.relay.trust-x-real-ip", "maybe");
    bad.put("meshplane.relay.max-token-lifetime", "0s");
    bad.put("meshplane.relay.peer-queue-size", "0");
    bad.put("meshplane.relay.max-message-size", "9000");
    bad.put("meshplane.relay.idle-timeout", "5s");
    bad.put("meshplane.relay.shutdown-timeout", "-3s");
    bad.put("meshplane.relay.fabric.enabled", "maybe");
    bad.put("meshplane.relay.fabric.host", "\"\"");
    bad.put("meshplane.relay.fabric.port", "70000");
    bad.put("meshplane.relay.fabric.announce-host", "h".repeat(250));
    bad.put("meshplane.relay.fabric.trusted-backplane", "perhaps");
    bad.put("meshplane.relay.fabric.openzro-pods", "sometimes");
    bad.put("meshplane.relay.fabric.discovery-interval", "-10s");
    bad.put("meshplane.relay.fabric.connect-timeout", "0s");
    bad.put("meshplane.relay.fabric.hello-timeout", "0ms");
    bad.put("meshplane.relay.fabric.lookup-timeout", "soon");
    bad.put("meshplane.relay.fabric.cache-ttl", "-5m");
    bad.put("meshplane.relay.fabric.ping-interval", "-5s");
    bad.put("meshplane.relay.fabric.ping-timeout", "1s");
    bad.put("meshplane.relay.fabric.stream-queue-size", "0");
    bad.put("meshplane.relay.fabric.lookup-backlog", "0");
    bad.put("meshplane.relay.fabric.redial-min-backoff", "-200ms");
    bad.put("meshplane.relay.fabric.redial-max-backoff", "100ms");
    return bad;
  }

  static Stream<Arguments> everySetting() {
    return badValues().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everySetting")
  void aBadValueStopsStartupWithItsOwnLine(String key, String badValue) throws IOException {
    Path file = Files.writeString(Files.createTempFile(dir, "node", ".conf"), key + " = " + badValue + "\n");
    Startup startup = start(Map.of(), "--config", file.toString());
    assertEquals(2, startup.status(), startup.err());
    assertEquals(1, startup.lines().size(), startup.err());
    String line = startup.lines().get(0);
    assertTrue(line.startsWith("meshplane: invalid setting " + key + " = "), line);
    assertTrue(line.contains("(from file " + file + ":"), line);
    assertTrue(line.contains("; accepted: "), line);
  }

  @Test
  void theTableCoversEverySettingOfTheNode() {
    Config meshplane = NodeConfig.defaults().resolve().getConfig("meshplane");
    Set<String> keys = new TreeSet<>();
    meshplane.entrySet().forEach(e -> keys.add("meshplane." + e.getKey()));
    Set<String> covered = new TreeSet<>(badValues().keySet());
    covered.addAll(ANY_TEXT);
    assertEquals(keys, covered, "every key has a refused value in the table, or takes any text");
    for (String key : ANY_TEXT) {
      assertEquals(ConfigValueType.STRING, meshplane.getValue(key.substring("meshplane.".length())).valueType(), key);
    }
  }

  @Test
  void twoBadValuesGiveTwoLinesNamingTheirVariables() {
    Startup startup = start(Map.of("MESHPLANE_SIGNAL_PORT", "ten", "MESHPLANE_METRICS_PORT", "70000"));
    assertEquals(2, startup.status(), startup.err());
    assertEquals(List.of(
        "meshplane: invalid setting meshplane.metrics.port = '70000' (from env MESHPLANE_METRICS_PORT); accepted: a port"
            + " (1-65535, or 0 for any free port)",
        "meshplane: invalid setting meshplane.signal.port = 'ten' (from env MESHPLANE_SIGNAL_PORT); accepted: a port"
            + " (1-65535, or 0 for any free port)"),
        startup.lines());
  }

  @Test
  void everyMissingSecretIsNamedAtOnce() {
    Startup startup = start(Map.of("MESHPLANE_CLUSTER_MODE", "embedded", "MESHPLANE_CLUSTER_PEERS", "127.0.0.1"));
    assertEquals(2, startup.status(), startup.err());
    assertEquals(3, startup.lines().size(), startup.err());
    assertTrue(startup.lines().get(0).startsWith("meshplane: invalid setting meshplane.remoting.tls.dir = '' (from"
        + " default); accepted:"), startup.err());
    assertTrue(startup.lines().get(1).startsWith("meshplane: invalid setting meshplane.relay.auth-secret = '' (from"
        + " default); accepted:"), startup.err());
    assertTrue(startup.lines().get(1).contains("MESHPLANE_RELAY_AUTH_SECRET or OZ_AUTH_SECRET"), startup.err());
    assertTrue(startup.lines().get(2).startsWith("meshplane: invalid setting meshplane.relay.fabric.secret = ''"),
        startup.err());
    assertTrue(startup.lines().get(2).contains("MESHPLANE_FABRIC_SECRET or OZ_CLUSTER_AUTH_SECRET"), startup.err());
  }

  @Test
  void anEmbeddedNodeWithoutRemotingTlsNamesBothWaysOut() {
    Startup startup = start(Map.of("MESHPLANE_CLUSTER_MODE", "embedded", "MESHPLANE_CLUSTER_PEERS", "127.0.0.1",
        "MESHPLANE_ROLES", "signal"));
    assertEquals(2, startup.status(), startup.err());
    assertEquals(1, startup.lines().size(), startup.err());
    String line = startup.lines().get(0);
    assertTrue(line.startsWith("meshplane: invalid setting meshplane.remoting.tls.dir = '' (from default); accepted:"),
        line);
    assertTrue(line.contains("MESHPLANE_REMOTING_TLS_DIR"), line);
    assertTrue(line.contains("MESHPLANE_CLUSTER_TRUSTED_NETWORK=true"), line);

    Startup trusted = start(Map.of("MESHPLANE_CLUSTER_MODE", "embedded", "MESHPLANE_CLUSTER_PEERS", "127.0.0.1",
        "MESHPLANE_ROLES", "signal", "MESHPLANE_CLUSTER_TRUSTED_NETWORK", "maybe"));
    assertEquals(List.of("meshplane: invalid setting meshplane.cluster.trusted-network = 'maybe' (from env"
        + " MESHPLANE_CLUSTER_TRUSTED_NETWORK); accepted: true or false"), trusted.lines(), "one mistake, one line");
  }

  @Test
  void aRemotingTlsDirectoryNamesEachMissingFile() throws IOException {
    Path tls = Files.createDirectories(dir.resolve("half-mounted"));
    Files.writeString(tls.resolve("tls.crt"), "not checked while other files are missing");
    Startup startup = start(Map.of("MESHPLANE_REMOTING_TLS_DIR", tls.toString()));
    assertEquals(2, startup.status(), startup.err());
    assertEquals(2, startup.lines().size(), startup.err());
    String prefix = "meshplane: invalid setting meshplane.remoting.tls.dir = '" + tls
        + "' (from env MESHPLANE_REMOTING_TLS_DIR); accepted: a directory holding ";
    assertTrue(startup.lines().get(0).startsWith(prefix + "tls.key"), startup.err());
    assertTrue(startup.lines().get(0).endsWith(tls.resolve("tls.key") + " is missing or unreadable"), startup.err());
    assertTrue(startup.lines().get(1).startsWith(prefix + "ca.crt"), startup.err());
    assertTrue(startup.lines().get(1).endsWith(tls.resolve("ca.crt") + " is missing or unreadable"), startup.err());
  }

  @Test
  void aSecretIsNeverPrinted() throws IOException {
    Path file = Files.writeString(dir.resolve("secret.conf"),
        "meshplane.relay.auth-secret = \"hunter2\"\nmeshplane.relay.port = 70000\n");
    Startup startup = start(Map.of("MESHPLANE_FABRIC_SECRET", "swordfish"), "--config", file.toString());
    assertEquals(2, startup.status(), startup.err());
    assertTrue(!startup.err().contains("hunter2") && !startup.err().contains("swordfish"), startup.err());
  }

  @Test
  void aJmxPortOtherMachinesReachNeedsAnAccountAndTls() {
    Startup bare = start(Map.of("MESHPLANE_JMX_PORT", "9010", "MESHPLANE_JMX_HOST", "10.0.0.5"));
    assertEquals(2, bare.status(), bare.err());
    assertEquals(List.of("meshplane: invalid setting meshplane.jmx.port = '9010' (from env MESHPLANE_JMX_PORT);"
        + " accepted: a port with an account (MESHPLANE_JMX_USER and MESHPLANE_JMX_PASSWORD, and/or"
        + " MESHPLANE_JMX_OPERATOR_USER and MESHPLANE_JMX_OPERATOR_PASSWORD) and TLS (MESHPLANE_JMX_TLS_CERT_FILE and"
        + " MESHPLANE_JMX_TLS_KEY_FILE), as meshplane.jmx.host 10.0.0.5 is not a loopback address; or a loopback"
        + " MESHPLANE_JMX_HOST (127.0.0.1); or empty (off)"), bare.lines());

    // The JMX host follows the node's; an account alone still crosses the network in clear.
    Startup withAccount = start(Map.of("MESHPLANE_JMX_PORT", "9010", "MESHPLANE_HOST", "10.0.0.5",
        "MESHPLANE_JMX_USER", "inspector", "MESHPLANE_JMX_PASSWORD", "hunter2"));
    assertEquals(2, withAccount.status(), withAccount.err());
    assertEquals(1, withAccount.lines().size(), withAccount.err());
    assertTrue(withAccount.lines().get(0).contains("accepted: a port with TLS (MESHPLANE_JMX_TLS_CERT_FILE and"),
        withAccount.err());
    assertTrue(!withAccount.err().contains("hunter2"), withAccount.err());
  }

  @Test
  void aSystemPropertyIsNamedAsSuch() {
    System.setProperty("meshplane.log.level", "LOUD");
    ConfigFactory.invalidateCaches();
    try {
      Startup startup = start(Map.of());
      assertEquals(List.of("meshplane: invalid setting meshplane.log.level = 'LOUD' (from -Dmeshplane.log.level);"
          + " accepted: error, warn, info, debug"), startup.lines());
    } finally {
      System.clearProperty("meshplane.log.level");
      ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void anUnreadableConfigFileAndBadArgumentsExitTwo() {
    Startup missing = start(Map.of(), "--config", dir.resolve("absent.conf").toString());
    assertEquals(2, missing.status());
    assertEquals(List.of("meshplane: invalid setting --config = '" + dir.resolve("absent.conf")
        + "' (from command line); accepted: a readable file"), missing.lines());
    Startup unknown = start(Map.of(), "--verbose");
    assertEquals(2, unknown.status());
    assertEquals("meshplane: unknown argument '--verbose'", unknown.lines().get(0));
  }

  private record Startup(int status, String err) {
    List<String> lines() {
      return err.lines().toList();
    }
  }

  private static Startup start(Map<String, String> env, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("run"));
    all.addAll(List.of(args));
    int status;
    try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      status = Main.start(all.toArray(String[]::new), env, err);
    }
    return new Startup(status, bytes.toString(StandardCharsets.UTF_8));
  }
}
