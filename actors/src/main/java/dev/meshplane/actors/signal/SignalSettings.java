package dev.meshplane.actors.signal;

import dev.meshplane.config.SettingsReader;
import dev.meshplane.config.SettingsReader.FilePair;
import dev.meshplane.protocol.tls.PemSslContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed view of {@code meshplane.signal} (defaults and the reason for each in this module's
 * {@code reference.conf}), read once at start-up.
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

  private static final String TLS_FILES = "a PEM certificate chain whose key is tls.key-file";

  public static final String PATH = "meshplane.signal";

  /** Reads {@code meshplane.signal} from the whole configuration; the problems go to {@code root}. */
  public static SignalSettings read(SettingsReader root) {
    SettingsReader r = root.at(PATH);
    Optional<FilePair> tls = r.filePair("tls.cert-file", "tls.key-file", TLS_FILES, PemSslContexts::fromPemFiles);
    SignalSettings settings = new SignalSettings(
        r.port("port"),
        r.count("buffer.max-messages", 0, 1_000_000),
        r.durationOrZero("buffer.max-age"),
        r.count("connection-queue-size", 1, 1_000_000),
        r.duration("attach-timeout"),
        r.duration("idle-passivation"),
        tls.map(FilePair::first),
        tls.map(FilePair::second),
        r.durationOrZero("keepalive.ping-interval"),
        r.durationOrZero("keepalive.ping-timeout"),
        r.durationOrZero("drain-timeout"),
        r.duration("reattach-interval"),
        r.duration("send.attempt-timeout"),
        r.duration("send.retry-budget"),
        new ConnectionRebalancer.Settings(
            r.bool("rebalance.enabled"),
            r.number("rebalance.tolerance", 0, 10),
            r.count("rebalance.max-per-step", 1, 1_000_000),
            r.duration("rebalance.interval")));
    settings.check(r);
    return settings;
  }

  private void check(SettingsReader r) {
    long interval = pingInterval.toMillis();
    long timeout = pingTimeout.toMillis();
    if (r.ok("keepalive.ping-interval", "keepalive.ping-timeout") && interval > 0 && timeout > 0
        && (interval % timeout != 0 || interval < 2 * timeout)) {
      // Pekko HTTP ticks every ping-timeout and pings every interval/timeout ticks. With fewer than
      // two ticks per interval it sends a fresh ping before the old one can count as overdue, and
      // a dead peer is never detected.
      r.reject("keepalive.ping-timeout", "a duration that divides keepalive.ping-interval (" + pingInterval
          + ") evenly and is at most half of it");
    }
  }

  public boolean tlsEnabled() {
    return tlsCertFile.isPresent();
  }
}
