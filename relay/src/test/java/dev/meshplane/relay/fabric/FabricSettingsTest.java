package dev.meshplane.relay.fabric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.config.SettingProblem;
import dev.meshplane.config.SettingsException;
import dev.meshplane.config.SettingsReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link FabricSettings}: reference.conf defaults, the enable decision, the secret rule, validation messages. */
class FabricSettingsTest {

  private static FabricSettings settings(Object... keyValues) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put("meshplane.relay.fabric." + keyValues[i], keyValues[i + 1]);
    }
    return FabricSettings.fromConfig(ConfigFactory.parseMap(map));
  }

  /** Reads the settings and applies the secret rule, as a node with the fabric on does. */
  private static FabricSettings requiringSecret(Object... keyValues) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put("meshplane.relay.fabric." + keyValues[i], keyValues[i + 1]);
    }
    Config config = ConfigFactory.parseMap(map).withFallback(ConfigFactory.defaultReference()).resolve();
    return SettingsReader.read(config, r -> {
      FabricSettings fabric = FabricSettings.read(r);
      fabric.requireSecretUnlessTrusted(r);
      return fabric;
    });
  }

  @Test
  void defaultsFollowOpenzro() {
    FabricSettings s = settings();
    assertEquals(FabricSettings.Enabled.AUTO, s.enabled());
    assertEquals(7090, s.port());
    assertEquals("0.0.0.0", s.host());
    assertEquals(Duration.ofMillis(200), s.lookupTimeout());
    assertEquals(Duration.ofMinutes(5), s.cacheTtl());
    assertEquals(Duration.ofSeconds(10), s.discoveryInterval());
    assertEquals(Duration.ofSeconds(3), s.connectTimeout());
    assertEquals(Duration.ofSeconds(10), s.helloTimeout());
    assertTrue(s.pingTimeout().compareTo(s.pingInterval()) > 0);
    assertEquals(Optional.empty(), s.headless());
    assertEquals(Optional.empty(), s.announceHost());
    assertEquals(0, s.secretBytes().length);
    assertFalse(s.trustedBackplane());
    assertEquals(FabricSettings.OpenzroPods.AUTO, s.openzroPods());
  }

  @Test
  void openzroPodsAutoAllowsThemUnlessMembersComeOnlyFromThePekkoCluster() {
    FabricSettings auto = settings();
    assertTrue(auto.openzroPodsAllowed(false), "auto, members from DNS or a static list");
    assertFalse(auto.openzroPodsAllowed(true), "auto, members only from the Pekko cluster: all meshplane nodes");
    FabricSettings autoHeadless = settings("headless", "relay-internal");
    assertTrue(autoHeadless.openzroPodsAllowed(true), "auto with a headless name: openzro's discovery");
    for (boolean clusterOnly : new boolean[] {false, true}) {
      assertTrue(settings("openzro-pods", "on").openzroPodsAllowed(clusterOnly));
      assertFalse(settings("openzro-pods", "off", "headless", "relay-internal").openzroPodsAllowed(clusterOnly));
    }
  }

  @Test
  void secretBytesAreTheUtf8BytesAsIs() {
    assertArrayEquals("s3cret-ä".getBytes(StandardCharsets.UTF_8), settings("secret", "s3cret-ä").secretBytes());
  }

  @Test
  void autoIsOnForAClusterOrWithAHeadlessName() {
    FabricSettings auto = settings();
    assertFalse(auto.activeFor(false), "auto, lone node, no headless");
    assertTrue(auto.activeFor(true), "auto, clustered");
    FabricSettings autoHeadless = settings("headless", "relay-internal");
    assertTrue(autoHeadless.activeFor(false), "auto with headless: openzro's rule");
    assertTrue(autoHeadless.activeFor(true));
    assertEquals(Optional.of("relay-internal"), autoHeadless.headless());
  }

  @Test
  void onAndOffForceTheDecision() {
    for (String on : new String[] {"on", "ON", " On "}) {
      FabricSettings s = settings("enabled", on);
      assertEquals(FabricSettings.Enabled.ON, s.enabled());
      assertTrue(s.activeFor(false));
      assertTrue(s.activeFor(true));
    }
    FabricSettings off = settings("enabled", "off");
    assertFalse(off.activeFor(true));
    assertFalse(off.activeFor(false));
    FabricSettings offHeadless = settings("enabled", "off", "headless", "relay-internal");
    assertFalse(offHeadless.activeFor(true), "off wins over a headless name");
    assertFalse(offHeadless.activeFor(false));
  }

  @Test
  void missingSecretIsRefusedWithAMessageNamingTheVariables() {
    SettingsException e = assertThrows(SettingsException.class, () -> requiringSecret());
    assertEquals(1, e.problems().size(), e.getMessage());
    SettingProblem problem = e.problem("meshplane.relay.fabric.secret");
    assertTrue(problem.accepted().contains("MESHPLANE_FABRIC_SECRET"), problem.line());
    assertTrue(problem.accepted().contains("OZ_CLUSTER_AUTH_SECRET"), problem.line());
    assertTrue(problem.accepted().contains("MESHPLANE_FABRIC_TRUSTED_BACKPLANE"), problem.line());
    assertFalse(problem.line().contains("\n"), "one line");
  }

  @Test
  void secretOrTrustedBackplaneSatisfiesTheRule() {
    assertDoesNotThrow(() -> requiringSecret("secret", "s3cret"));
    assertDoesNotThrow(() -> requiringSecret("trusted-backplane", true));
    assertDoesNotThrow(() -> requiringSecret("trusted-backplane", "true"));
    assertThrows(SettingsException.class, () -> requiringSecret("trusted-backplane", false));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "port               | 70000",
      "port               | -1",
      "port               | seven",
      "enabled            | maybe",
      "enabled            | true",
      "host               | ''",
      "lookup-timeout     | -1s",
      "lookup-timeout     | 0s",
      "lookup-timeout     | soon",
      "cache-ttl          | -5m",
      "discovery-interval | -10s",
      "connect-timeout    | -3s",
      "hello-timeout      | 0ms",
      "ping-interval      | -5s",
      "redial-min-backoff | -200ms",
      "stream-queue-size  | 0",
      "lookup-backlog     | 0",
      "trusted-backplane  | perhaps",
      "openzro-pods       | sometimes",
      "openzro-pods       | true",
  })
  void invalidValueNamesTheFullKey(String key, String value) {
    SettingsException e = assertThrows(SettingsException.class, () -> settings(key, value));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals("meshplane.relay.fabric." + key, e.problems().get(0).key(), e.getMessage());
  }

  @Test
  void pingTimeoutMustExceedPingInterval() {
    for (String timeout : new String[] {"5s", "4s"}) {
      SettingsException e = assertThrows(SettingsException.class,
          () -> settings("ping-interval", "5s", "ping-timeout", timeout));
      assertEquals(List.of("meshplane.relay.fabric.ping-timeout"), e.problems().stream().map(SettingProblem::key).toList());
    }
    assertEquals(Duration.ofSeconds(6), settings("ping-interval", "5s", "ping-timeout", "6s").pingTimeout());
  }

  @Test
  void redialMaximumMustNotBeBelowTheMinimum() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> settings("redial-min-backoff", "2s", "redial-max-backoff", "1s"));
    assertEquals(List.of("meshplane.relay.fabric.redial-max-backoff"), e.problems().stream().map(SettingProblem::key).toList());
  }

  @Test
  void announceHostThatCannotFitAHelloIsRefused() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> settings("announce-host", "h".repeat(250)));
    assertEquals(List.of("meshplane.relay.fabric.announce-host"), e.problems().stream().map(SettingProblem::key).toList());
    assertEquals(Optional.of("10.0.0.7"), settings("announce-host", "10.0.0.7").announceHost());
  }

  @Test
  void portZeroAndTheMaximumAreAccepted() {
    assertEquals(0, settings("port", 0).port());
    assertEquals(65_535, settings("port", 65_535).port());
  }
}
