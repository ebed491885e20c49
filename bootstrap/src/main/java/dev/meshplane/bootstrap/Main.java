package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.config.SettingProblem;
import dev.meshplane.config.SettingsException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar meshplane.jar [--config FILE]}: starts one node and runs until SIGTERM, which
 * runs coordinated shutdown (streams end with UNAVAILABLE, the node leaves, the JVM exits).
 *
 * <p>Exit codes: 2 for a bad command line or bad settings (every bad setting on its own line, all
 * at once), 1 when the node cannot start for another reason (a port in use).
 */
public final class Main {

  static final int BAD_SETTINGS = 2;
  static final int CANNOT_START = 1;

  private Main() {}

  public static void main(String[] args) {
    int status = start(args, System.getenv(), System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Starts a node and returns 0 while it runs, or the exit status when it cannot start. */
  static int start(String[] args, Map<String, String> env, PrintStream err) {
    Optional<Path> configFile;
    try {
      configFile = parseArgs(args);
    } catch (IllegalArgumentException e) {
      err.println("meshplane: " + e.getMessage());
      err.println("usage: meshplane run [--config FILE]");
      return BAD_SETTINGS;
    }
    Config config;
    MeshplaneSettings settings;
    try {
      config = NodeConfig.load(configFile, env);
      settings = MeshplaneSettings.read(config);
    } catch (SettingsException e) {
      for (SettingProblem problem : e.problems()) {
        err.println("meshplane: " + problem.line());
      }
      return BAD_SETTINGS;
    }

    // Before the first logger exists: logback.xml reads these.
    System.setProperty("meshplane.log.format", settings.node().logFormat());
    System.setProperty("meshplane.log.level", settings.node().logLevel());
    try {
      MeshplaneNode.start(config.withFallback(ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on")),
          settings);
      return 0;
    } catch (RuntimeException e) {
      err.println("meshplane: cannot start: " + e.getMessage());
      return CANNOT_START;
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
}
