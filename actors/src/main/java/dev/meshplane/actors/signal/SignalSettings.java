package dev.meshplane.actors.signal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed view of {@code meshplane.signal}, read once at start-up. Every check fails with one line
 * that names the setting and what it accepts, so a bad deployment stops before it serves.
 */
public record SignalSettings(
    int port,
    int bufferMaxMessages,
    Duration bufferMaxAge,
    int connectionQueueSize,
    Duration attachTimeout,
    Duration idlePassivation,
    Optional<Path> tlsCertFile,
    Optional<Path> tlsKeyFile,
    Duration pingInterval,
    Duration pingTimeout,
    Duration drainTimeout,
    Duration reattachInterval,
    Duration sendAttemptTimeout,
    Duration sendRetryBudget,
    ConnectionRebalancer.Settings rebalance) {

  public static final String PATH = "meshplane.signal";

  public static SignalSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    SignalSettings settings =
        new SignalSettings(
            port(c, "port"),
            atLeast(c, "buffer.max-messages", 0),
            duration(c, "buffer.max-age"),
            atLeast(c, "connection-queue-size", 1),
            positive(c, "attach-timeout"),
            positive(c, "idle-passivation"),
            optionalFile(c, "tls.cert-file"),
            optionalFile(c, "tls.key-file"),
            duration(c, "keepalive.ping-interval"),
            duration(c, "keepalive.ping-timeout"),
            duration(c, "drain-timeout"),
            positive(c, "reattach-interval"),
            positive(c, "send.attempt-timeout"),
            positive(c, "send.retry-budget"),
            new ConnectionRebalancer.Settings(
                c.getBoolean("rebalance.enabled"),
                fraction(c, "rebalance.tolerance"),
                atLeast(c, "rebalance.max-per-step", 1),
                positive(c, "rebalance.interval")));
    if (settings.tlsCertFile.isPresent() != settings.tlsKeyFile.isPresent()) {
      throw new IllegalArgumentException(PATH + ".tls: set both cert-file and key-file, or neither");
    }
    long interval = settings.pingInterval.toMillis();
    long timeout = settings.pingTimeout.toMillis();
    if (interval > 0 && timeout > 0 && (interval % timeout != 0 || interval < 2 * timeout)) {
      // Pekko HTTP ticks every ping-timeout and pings every interval/timeout ticks. With fewer than
      // two ticks per interval it sends a fresh ping before the old one can count as overdue, and
      // a dead peer is never detected.
      throw new IllegalArgumentException(PATH + ".keepalive.ping-timeout: must divide ping-interval"
          + " evenly and be at most half of it (got " + settings.pingTimeout + " and " + settings.pingInterval + ")");
    }
    return settings;
  }

  public boolean tlsEnabled() {
    return tlsCertFile.isPresent();
  }

  static int port(Config c, String key) {
    int value = integer(c, key);
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(
          PATH + "." + key + ": " + value + " is not a port (1-65535, or 0 for any free port)");
    }
    return value;
  }

  private static int atLeast(Config c, String key, int min) {
    int value = integer(c, key);
    if (value < min) {
      throw new IllegalArgumentException(PATH + "." + key + ": " + value + " is too small (>= " + min + ")");
    }
    return value;
  }

  private static double fraction(Config c, String key) {
    double value = c.getDouble(key);
    if (value < 0 || value > 10) {
      throw new IllegalArgumentException(PATH + "." + key + ": " + value + " is not a fraction (0.0-10.0, e.g. 0.2)");
    }
    return value;
  }

  private static int integer(Config c, String key) {
    try {
      return c.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(PATH + "." + key + ": '" + c.getValue(key).unwrapped()
          + "' is not a whole number", e);
    }
  }

  private static Duration duration(Config c, String key) {
    try {
      Duration d = c.getDuration(key);
      if (d.isNegative()) {
        throw new IllegalArgumentException(PATH + "." + key + ": must not be negative");
      }
      return d;
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new IllegalArgumentException(PATH + "." + key + ": '" + c.getValue(key).unwrapped()
          + "' is not a duration (e.g. 500ms, 30s, 2m)", e);
    }
  }

  private static Duration positive(Config c, String key) {
    Duration d = duration(c, key);
    if (d.isZero()) {
      throw new IllegalArgumentException(PATH + "." + key + ": must be greater than zero");
    }
    return d;
  }

  private static Optional<Path> optionalFile(Config c, String key) {
    String value = c.getString(key).trim();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(value);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(PATH + "." + key + ": file '" + value + "' is not readable");
    }
    return Optional.of(path);
  }
}
