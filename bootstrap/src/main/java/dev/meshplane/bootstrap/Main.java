package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar meshplane.jar [--config FILE]}: starts one node and runs until SIGTERM, which
 * runs coordinated shutdown (streams end with UNAVAILABLE, the node leaves, the JVM exits).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Optional<Path> configFile;
    try {
      configFile = parseArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("meshplane: " + e.getMessage());
      System.err.println("usage: meshplane run [--config FILE]");
      System.exit(2);
      return;
    }

    Map<String, String> env = System.getenv();
    Config config;
    NodeSettings settings;
    try {
      config = NodeConfig.load(configFile, env);
      settings = NodeSettings.fromConfig(config);
    } catch (SettingsException e) {
      exitOnSettings(e.getMessage(), env);
      return;
    } catch (IllegalArgumentException e) {
      exitOnSettings(e.getMessage(), env);
      return;
    }

    // Before the first logger exists: logback.xml reads these.
    System.setProperty("meshplane.log.format", settings.logFormat());
    System.setProperty("meshplane.log.level", settings.logLevel());

    try {
      MeshplaneNode.start(config.withFallback(
          com.typesafe.config.ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")));
    } catch (SettingsException e) {
      exitOnSettings(e.getMessage(), env);
    } catch (RuntimeException e) {
      System.err.println("meshplane: " + e.getMessage());
      System.exit(1);
    }
  }

  static Optional<Path> parseArgs(String[] args) {
    Optional<Path> config = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "run":
          break;
        case "--config":
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--config needs a file name");
          }
          config = Optional.of(Path.of(args[++i]));
          break;
        default:
          throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    return config;
  }

  /** One line naming the setting (and the variable that set it), then exit 2. */
  private static void exitOnSettings(String message, Map<String, String> env) {
    String path = message.contains(":") ? message.substring(0, message.indexOf(':')).trim() : "";
    String source = EnvOverrides.variableFor(path, env).map(v -> " (set by " + v + ")").orElse("");
    System.err.println("meshplane: invalid setting " + message + source);
    System.exit(2);
  }
}
