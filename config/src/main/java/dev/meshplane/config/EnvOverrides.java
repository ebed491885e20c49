package dev.meshplane.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Environment variables that override settings. Operators and the multi-node tests drive nodes
 * with these; openzro's names are accepted where openzro has one, and a meshplane name wins over
 * the openzro name for the same setting.
 */
public final class EnvOverrides {

  /** How a value set by a variable describes its origin: {@code env NAME}. */
  static final String ORIGIN = "env ";

  /** Variable → setting path, in precedence order (earlier wins for the same path). */
  static final Map<String, String> VARIABLES = table(
      "MESHPLANE_HOST", "meshplane.host",
      "MESHPLANE_BIND_HOST", "meshplane.bind-host",
      "MESHPLANE_ROLES", "meshplane.roles",
      "MESHPLANE_CLUSTER_MODE", "meshplane.cluster.mode",
      "MESHPLANE_DISCOVERY", "meshplane.cluster.discovery.method",
      "MESHPLANE_CLUSTER_PEERS", "meshplane.cluster.discovery.peers",
      "OPENZRO_CLUSTER_PEERS", "meshplane.cluster.discovery.peers",
      "MESHPLANE_DISCOVERY_SERVICE_NAME", "meshplane.cluster.discovery.service-name",
      "MESHPLANE_DISCOVERY_DNS_NAMESERVERS", "meshplane.cluster.discovery.dns.nameservers",
      "MESHPLANE_DISCOVERY_POD_LABEL_SELECTOR", "meshplane.cluster.discovery.kubernetes.pod-label-selector",
      "MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", "meshplane.cluster.discovery.required-contact-points",
      "MESHPLANE_CLUSTER_TRUSTED_NETWORK", "meshplane.cluster.trusted-network",
      "MESHPLANE_SIGNAL_PORT", "meshplane.signal.port",
      "MESHPLANE_SIGNAL_TLS_CERT_FILE", "meshplane.signal.tls.cert-file",
      "MESHPLANE_SIGNAL_TLS_KEY_FILE", "meshplane.signal.tls.key-file",
      "MESHPLANE_MANAGEMENT_PORT", "meshplane.management.port",
      "MESHPLANE_METRICS_PORT", "meshplane.metrics.port",
      "MESHPLANE_JMX_PORT", "meshplane.jmx.port",
      "MESHPLANE_JMX_HOST", "meshplane.jmx.host",
      "MESHPLANE_JMX_USER", "meshplane.jmx.reader.user",
      "MESHPLANE_JMX_PASSWORD", "meshplane.jmx.reader.password",
      "MESHPLANE_JMX_OPERATOR_USER", "meshplane.jmx.operator.user",
      "MESHPLANE_JMX_OPERATOR_PASSWORD", "meshplane.jmx.operator.password",
      "MESHPLANE_JMX_TLS_CERT_FILE", "meshplane.jmx.tls.cert-file",
      "MESHPLANE_JMX_TLS_KEY_FILE", "meshplane.jmx.tls.key-file",
      "MESHPLANE_SIGNAL_REBALANCE", "meshplane.signal.rebalance.enabled",
      "MESHPLANE_REMOTING_PORT", "meshplane.remoting.port",
      "MESHPLANE_REMOTING_TLS_DIR", "meshplane.remoting.tls.dir",
      "MESHPLANE_LOG_FORMAT", "meshplane.log.format",
      "MESHPLANE_LOG_LEVEL", "meshplane.log.level",
      "MESHPLANE_RELAY_PORT", "meshplane.relay.port",
      "MESHPLANE_RELAY_AUTH_SECRET", "meshplane.relay.auth-secret",
      "OZ_AUTH_SECRET", "meshplane.relay.auth-secret",
      "MESHPLANE_RELAY_HOST", "meshplane.relay.host",
      "MESHPLANE_RELAY_EXPOSED_ADDRESS", "meshplane.relay.exposed-address",
      "OZ_EXPOSED_ADDRESS", "meshplane.relay.exposed-address",
      "MESHPLANE_RELAY_TLS_CERT_FILE", "meshplane.relay.tls.cert-file",
      "OZ_TLS_CERT_FILE", "meshplane.relay.tls.cert-file",
      "MESHPLANE_RELAY_TLS_KEY_FILE", "meshplane.relay.tls.key-file",
      "OZ_TLS_KEY_FILE", "meshplane.relay.tls.key-file",
      "OZ_RELAY_HC_ATTEMPT_THRESHOLD", "meshplane.relay.health-check-failure-threshold",
      "MESHPLANE_FABRIC_ENABLED", "meshplane.relay.fabric.enabled",
      "MESHPLANE_FABRIC_PORT", "meshplane.relay.fabric.port",
      "OZ_CLUSTER_PORT", "meshplane.relay.fabric.port",
      "MESHPLANE_FABRIC_SECRET", "meshplane.relay.fabric.secret",
      "OZ_CLUSTER_AUTH_SECRET", "meshplane.relay.fabric.secret",
      "MESHPLANE_FABRIC_TRUSTED_BACKPLANE", "meshplane.relay.fabric.trusted-backplane",
      "MESHPLANE_FABRIC_OPENZRO_PODS", "meshplane.relay.fabric.openzro-pods",
      "MESHPLANE_FABRIC_HEADLESS", "meshplane.relay.fabric.headless",
      "OZ_CLUSTER_HEADLESS", "meshplane.relay.fabric.headless",
      "MESHPLANE_FABRIC_ANNOUNCE_HOST", "meshplane.relay.fabric.announce-host",
      "OZ_POD_IP", "meshplane.relay.fabric.announce-host");

  private EnvOverrides() {}

  /**
   * The overrides present in {@code env}, as a config to put in front of the others. Each value's
   * origin names its variable, so a rejected value says which variable set it.
   */
  public static Config from(Map<String, String> env) {
    Config result = ConfigFactory.empty();
    Set<String> taken = new HashSet<>();
    for (Map.Entry<String, String> entry : VARIABLES.entrySet()) {
      String value = env.get(entry.getKey());
      if (value != null && taken.add(entry.getValue())) {
        result = result.withFallback(ConfigFactory.parseMap(Map.of(entry.getValue(), value), ORIGIN + entry.getKey()));
      }
    }
    return result;
  }

  /** The variables that set {@code path}, in precedence order: for messages about a missing value. */
  public static List<String> variablesFor(String path) {
    return VARIABLES.entrySet().stream().filter(e -> e.getValue().equals(path)).map(Map.Entry::getKey).toList();
  }

  private static Map<String, String> table(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
