package dev.meshplane.bootstrap;

import dev.meshplane.bootstrap.jmx.JmxSettings;
import dev.meshplane.config.SettingsReader;
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
    HttpListenerLimits managementLimits,
    int metricsPort,
    HttpListenerLimits metricsLimits,
    int remotingPort,
    JmxSettings jmx,
    String logFormat,
    String logLevel,
    Duration readinessDelay) {

  /** {@code meshplane.log.format}: what logback.xml switches on. */
  private enum LogFormat { TEXT, JSON }

  /** {@code meshplane.log.level}, the levels logback and Pekko share. */
  private enum LogLevel { ERROR, WARN, INFO, DEBUG }

  /** Reads the node-level settings; the problems go to {@code root}. */
  public static NodeSettings read(SettingsReader root) {
    SettingsReader r = root.at("meshplane");
    NodeSettings settings = new NodeSettings(
        r.host("host"),
        r.host("bind-host"),
        r.someOf("roles", NodeRole.class),
        r.oneOf("cluster.mode", ClusterMode.class),
        r.port("management.port"),
        HttpListenerLimits.read(r.at("management")),
        r.port("metrics.port"),
        HttpListenerLimits.read(r.at("metrics")),
        r.port("remoting.port"),
        JmxSettings.read(r),
        r.oneOf("log.format", LogFormat.class).name().toLowerCase(Locale.ROOT),
        r.oneOf("log.level", LogLevel.class).name(),
        r.durationOrZero("shutdown.readiness-delay"));
    if (settings.clusterMode == ClusterMode.EXTERNAL) {
      r.reject("cluster.mode", "disabled or embedded (external is not in this build yet)");
    }
    return settings;
  }

  public boolean runs(NodeRole role) {
    return roles.contains(role);
  }
}
