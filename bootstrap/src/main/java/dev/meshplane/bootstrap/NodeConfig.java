package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.config.EnvOverrides;
import dev.meshplane.config.SettingProblem;
import dev.meshplane.config.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assembles a node's configuration. Precedence, highest first: environment variables, JVM system
 * properties ({@code -Dkey=value} in JAVA_OPTS, for any Pekko setting), the --config file, defaults.
 */
public final class NodeConfig {

  private static final String COMMAND_LINE = "command line";

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

  /** Settings Pekko needs, derived from the node settings so there is one place to set each. */
  static Config pekkoOverlay(NodeSettings node) {
    String pekkoLevel = node.logLevel().equals("WARN") ? "WARNING" : node.logLevel();
    // Only signal nodes host the PeerSession region; a relay-only node would wait for it forever.
    List<String> shardRegions = node.runs(NodeRole.SIGNAL) ? List.of("PeerSession") : List.of();
    return ConfigFactory.parseMap(Map.of(
        "pekko.cluster.sharding.healthcheck.names", shardRegions,
        // Cluster roles name the services, so sharding and singletons stay on nodes that run them.
        "pekko.cluster.roles", node.roles().stream().map(NodeRole::configValue).sorted().toList(),
        "pekko.actor.provider", "cluster",
        "pekko.loglevel", pekkoLevel,
        "pekko.remote.artery.canonical.hostname", node.host(),
        "pekko.remote.artery.canonical.port", node.remotingPort(),
        "pekko.remote.artery.bind.hostname", node.bindHost(),
        "pekko.management.http.hostname", node.host(),
        "pekko.management.http.bind-hostname", node.bindHost(),
        "pekko.management.http.port", node.managementPort()),
        "meshplane node settings");
  }
}
