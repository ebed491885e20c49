package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Typed view of the node-level {@code meshplane.*} settings, read once at start-up. */
public record NodeSettings(
    String host,
    String bindHost,
    Set<NodeRole> roles,
    ClusterMode clusterMode,
    int managementPort,
    int metricsPort,
    int remotingPort,
    java.util.OptionalInt jmxPort,
    String logFormat,
    String logLevel,
    Duration readinessDelay) {

  public static NodeSettings fromConfig(Config root) {
    Config c = root.getConfig("meshplane");
    String host = nonEmpty(c, "host");
    return new NodeSettings(
        host,
        nonEmpty(c, "bind-host"),
        NodeRole.parseList(c.getString("roles")),
        ClusterMode.parse(c.getString("cluster.mode")),
        port(c, "management.port"),
        port(c, "metrics.port"),
        port(c, "remoting.port"),
        c.getString("jmx.port").isBlank() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port(c, "jmx.port")),
        oneOf(c, "log.format", "text", "json"),
        oneOf(c, "log.level", "ERROR", "WARN", "INFO", "DEBUG").toUpperCase(Locale.ROOT),
        duration(c, "shutdown.readiness-delay"));
  }

  public boolean runs(NodeRole role) {
    return roles.contains(role);
  }

  private static String nonEmpty(Config c, String key) {
    String value = c.getString(key).trim();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("meshplane." + key + ": must not be empty (a host name or IP address)");
    }
    return value;
  }

  private static int port(Config c, String key) {
    int value;
    try {
      value = c.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException("meshplane." + key + ": '" + c.getValue(key).unwrapped()
          + "' is not a port (1-65535, or 0 for any free port)", e);
    }
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException("meshplane." + key + ": " + value
          + " is not a port (1-65535, or 0 for any free port)");
    }
    return value;
  }

  private static String oneOf(Config c, String key, String... accepted) {
    String value = c.getString(key).trim();
    for (String candidate : accepted) {
      if (candidate.equalsIgnoreCase(value)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("meshplane." + key + ": '" + value + "' is not accepted (accepted: "
        + String.join(", ", accepted) + ")");
  }

  private static Duration duration(Config c, String key) {
    try {
      return c.getDuration(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new IllegalArgumentException("meshplane." + key + ": '" + c.getValue(key).unwrapped()
          + "' is not a duration (e.g. 0s, 5s)", e);
    }
  }
}
