package dev.meshplane.bootstrap;

import dev.meshplane.bootstrap.jmx.JmxSettings;
import dev.meshplane.config.EnvOverrides;
import dev.meshplane.config.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Typed view of the node-level {@code meshplane.*} settings, read once at start-up.
 *
 * @param remotingTlsDir where remoting's mutual-TLS files are; empty for plain TCP
 * @param trustedNetwork the operator declared that only meshplane nodes reach the remoting port
 */
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
    Duration readinessDelay,
    Optional<Path> remotingTlsDir,
    boolean trustedNetwork) {

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
        r.durationOrZero("shutdown.readiness-delay"),
        RemotingTlsFiles.read(r, "remoting.tls.dir"),
        r.bool("cluster.trusted-network"));
    if (settings.clusterMode == ClusterMode.EXTERNAL) {
      r.reject("cluster.mode", "disabled or embedded (external is not in this build yet)");
    }
    if (settings.remotingUnauthenticated() && !settings.trustedNetwork
        && r.ok("cluster.mode", "remoting.tls.dir", "cluster.trusted-network")) {
      // Whoever reaches a plain-TCP remoting port can join the cluster, take shards and down nodes.
      r.reject("remoting.tls.dir", "a directory holding this node's tls.crt, tls.key and ca.crt (set "
          + variables("meshplane.remoting.tls.dir") + "; ./meshplane certs makes them), as cluster mode embedded"
          + " lets other nodes join through the remoting port; or declare that only meshplane nodes can reach"
          + " that port (" + variables("meshplane.cluster.trusted-network") + "=true)");
    }
    return settings;
  }

  /**
   * Where the management listener binds. Its cluster routes tell anyone who asks where to join, so
   * in a cluster they stay on the private address like remoting; a lone node's /ready stays where
   * its probes look.
   */
  public String managementBindHost() {
    return clusterMode == ClusterMode.DISABLED ? bindHost : host;
  }

    public boolean runs(NodeRole role) {
    return roles.contains(role);
  }

  /**
   * Whether other nodes may join through the remoting port without a certificate: in a cluster
   * without TLS files. A lone node's remoting is bound to loopback, out of anybody else's reach.
   */
  public boolean remotingUnauthenticated() {
    return clusterMode != ClusterMode.DISABLED && remotingTlsDir.isEmpty();
  }

  private static String variables(String path) {
    return String.join(" or ", EnvOverrides.variablesFor(path));
  }
}
