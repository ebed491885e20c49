package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.config.EnvOverrides;
import dev.meshplane.config.SettingProblem;
import dev.meshplane.config.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles a node's configuration. Precedence, highest first: environment variables, JVM system
 * properties ({@code -Dkey=value} in JAVA_OPTS, for any Pekko setting), the --config file, defaults.
 */
public final class NodeConfig {

  private static final Logger log = LoggerFactory.getLogger(NodeConfig.class);

  private static final String COMMAND_LINE = "command line";

  /** Where a lone node's remoting listens: reachable from this machine only. */
  private static final String LOOPBACK = "127.0.0.1";

  private NodeConfig() {}

  public static Config load(Optional<Path> file, Map<String, String> env) {
    Config fileConfig = ConfigFactory.empty();
    if (file.isPresent()) {
      Path path = file.get();
      if (!Files.isReadable(path)) {
        throw new SettingsException(new SettingProblem("--config", "'" + path + "'", "a readable file", COMMAND_LINE));
      }
      try {
        fileConfig = ConfigFactory.parseFile(path.toFile());
      } catch (ConfigException e) {
        throw new SettingsException(new SettingProblem("--config", "'" + path + "'", "a HOCON file (" + e.getMessage()
            + ")", COMMAND_LINE));
      }
    }
    try {
      return EnvOverrides.from(env)
          .withFallback(ConfigFactory.systemProperties())
          .withFallback(fileConfig)
          .withFallback(defaults())
          .resolve();
    } catch (ConfigException e) {
      // A substitution that names nothing, or a value that cannot be merged: no single key to blame.
      throw new SettingsException(new SettingProblem("configuration", "<unresolvable>", "a configuration whose"
          + " substitutions resolve (" + e.getMessage() + ")", e.origin() == null ? "unknown" : e.origin().description()));
    }
  }

  /** Pekko settings of a node above every module's reference.conf, then the references. */
  public static Config defaults() {
    return ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "meshplane-node.conf")
        .withFallback(ConfigFactory.defaultReference(NodeConfig.class.getClassLoader()));
  }

  /**
   * Settings Pekko needs, derived from the node settings so there is one place to set each. Logs a
   * warning when they make remoting accept any process that reaches it (trusted network, no TLS).
   */
  static Config pekkoOverlay(NodeSettings node) {
    String pekkoLevel = node.logLevel().equals("WARN") ? "WARNING" : node.logLevel();
    // Only signal nodes host the PeerSession region; a relay-only node would wait for it forever.
    List<String> shardRegions = node.runs(NodeRole.SIGNAL) ? List.of("PeerSession") : List.of();
    Map<String, Object> values = new HashMap<>();
    values.put("pekko.cluster.sharding.healthcheck.names", shardRegions);
    // Cluster roles name the services, so sharding and singletons stay on nodes that run them.
    values.put("pekko.cluster.roles", node.roles().stream().map(NodeRole::configValue).sorted().toList());
    values.put("pekko.actor.provider", "cluster");
    values.put("pekko.loglevel", pekkoLevel);
    values.putAll(remoting(node));
    values.put("pekko.management.http.hostname", node.host());
    values.put("pekko.management.http.bind-hostname", node.managementBindHost());
    values.put("pekko.management.http.port", node.managementPort());
    return ConfigFactory.parseMap(values, "meshplane node settings");
  }

  /**
   * Where remoting listens and what it asks of who connects. A lone node binds loopback, so no
   * other process can join it. Cluster nodes bind their own address (the pod IP in Kubernetes),
   * never every interface, and speak mutual TLS when given the files.
   */
  private static Map<String, Object> remoting(NodeSettings node) {
    String host = node.clusterMode() == ClusterMode.DISABLED ? LOOPBACK : node.host();
    Map<String, Object> values = new HashMap<>();
    values.put("pekko.remote.artery.canonical.hostname", host);
    values.put("pekko.remote.artery.canonical.port", node.remotingPort());
    values.put("pekko.remote.artery.bind.hostname", host);
    if (node.remotingTlsDir().isPresent()) {
      values.putAll(RemotingTlsFiles.pekkoSettings(node.remotingTlsDir().get()));
    } else {
      values.put("pekko.remote.artery.transport", "tcp");
    }
    if (node.remotingUnauthenticated()) {
      log.warn("Pekko remoting on {}:{} runs plain TCP without authentication, as the network is declared"
          + " trusted ({}=true): any process that reaches this port can join the cluster. Set {} to make"
          + " it mutual TLS", host, node.remotingPort(),
          EnvOverrides.variablesFor("meshplane.cluster.trusted-network").get(0),
          EnvOverrides.variablesFor("meshplane.remoting.tls.dir").get(0));
    }
    return values;
  }
}
