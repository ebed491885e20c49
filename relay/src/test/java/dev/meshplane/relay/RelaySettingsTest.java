package dev.meshplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.config.SettingProblem;
import dev.meshplane.config.SettingsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelaySettingsTest {

  @Test
  void defaultsFromReferenceConf() {
    RelaySettings settings = RelaySettings.fromConfig(ConfigFactory.empty());
    assertEquals("0.0.0.0", settings.host());
    assertEquals(33080, settings.port());
    assertFalse(settings.hasAuthSecret());
    assertEquals("", settings.exposedAddress());
    assertFalse(settings.tlsEnabled());
    assertEquals(Duration.ofSeconds(10), settings.handshakeTimeout());
    assertEquals(Duration.ofSeconds(25), settings.healthCheckInterval());
    assertEquals(Duration.ofSeconds(45), settings.healthCheckTimeout());
    assertEquals(1, settings.healthCheckFailureThreshold());
    assertEquals(8820, settings.maxMessageSize());
    assertEquals(512, settings.peerQueueSize());
    assertEquals(10_000, settings.maxConnections());
    assertEquals(1_000, settings.maxHandshakingConnections());
    assertEquals(256, settings.maxConnectionsPerAddress());
    assertFalse(settings.trustXRealIp());
    assertEquals(Duration.ofHours(72), settings.maxTokenLifetime());
    assertEquals("rel://0.0.0.0:33080", settings.instanceUrl(33080));
  }

  @Test
  void invalidPortNamesTheSettingOnOneLine() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> RelayTestSupport.settings(Map.of("port", 70000)));
    assertEquals(List.of(new SettingProblem("meshplane.relay.port", "70000", "a port (1-65535, or 0 for any free port)",
        "hardcoded value")), e.problems());
    assertEquals("invalid setting meshplane.relay.port = 70000 (from hardcoded value); accepted: a port (1-65535, or"
        + " 0 for any free port)", e.getMessage());
    SettingsException text = assertThrows(SettingsException.class,
        () -> RelayTestSupport.settings(Map.of("port", "http")));
    assertEquals("'http'", text.problem("meshplane.relay.port").value());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "health-check-interval | 35s | meshplane.relay.health-check-interval:",
    "health-check-timeout  | 10s | meshplane.relay.health-check-timeout:",
    "handshake-timeout     | 0s  | meshplane.relay.handshake-timeout:",
    "handshake-timeout     | soon| meshplane.relay.handshake-timeout:",
    "peer-queue-size       | 0   | meshplane.relay.peer-queue-size:",
    "max-message-size      | 9000| meshplane.relay.max-message-size:",
    "max-connections       | -1  | meshplane.relay.max-connections:",
    "max-handshaking-connections | 0 | meshplane.relay.max-handshaking-connections:",
    "max-connections-per-address | -5 | meshplane.relay.max-connections-per-address:",
    "trust-x-real-ip       | maybe | meshplane.relay.trust-x-real-ip:",
    "max-token-lifetime    | 0s  | meshplane.relay.max-token-lifetime:",
    "max-token-lifetime    | forever | meshplane.relay.max-token-lifetime:",
    "idle-timeout          | 5s  | meshplane.relay.idle-timeout:",
    "exposed-address       | http://relay:80 | meshplane.relay.exposed-address:",
    "exposed-address       | rel://a://b     | meshplane.relay.exposed-address:",
  })
  void invalidValuesFailWithOneLineNamingTheSetting(String key, String value, String prefix) {
    SettingsException e = assertThrows(SettingsException.class,
        () -> RelayTestSupport.settings(Map.of(key, value)));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid setting " + prefix.replace(":", " = ")), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void tlsFilesMustComeTogether() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> RelayTestSupport.settings(Map.of("tls.cert-file", "/etc/relay/cert.pem")));
    assertTrue(e.problem("meshplane.relay.tls.key-file").accepted().contains("set together with"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "relay.example.com:443,          false, rel://relay.example.com:443",
    "relay.example.com:443,          true,  rels://relay.example.com:443",
    "rels://relay.example.com:443,   false, rels://relay.example.com:443",
    "REL://relay.example.com:80,     true,  rel://relay.example.com:80",
    "rel://10.0.0.1:33080,           false, rel://10.0.0.1:33080",
  })
  void instanceUrlFollowsSpecSection43(String exposed, boolean tls, String expected) {
    assertEquals(expected, InstanceUrl.derive(exposed, tls));
  }

  @Test
  void toStringHidesTheSecret() {
    String text = RelayTestSupport.settings(Map.of()).toString();
    assertFalse(text.contains(RelayTestSupport.SECRET), text);
    assertTrue(text.contains("auth-secret=<set>"), text);
  }
}
