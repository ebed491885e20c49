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
    long bufferMaxBytes,
    int connectionQueueSize,
    long connectionQueueMaxBytes,
    int maxMessageSize,
    long maxBufferedBytes,
    Duration idleTimeout,
    int maxResetsPerSecond,
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

  /** The largest byte budget: 1 TiB, far beyond any heap, only to keep arithmetic in range. */
  private static final long MAX_BYTES = 1L << 40;

  /** A gRPC length prefix counts to 4 GiB; 1 GiB is already far more than a heap should hold for one message. */
  private static final long MAX_MESSAGE_SIZE = 1L << 30;

  /** Reads {@code meshplane.signal} from the whole configuration; the problems go to {@code root}. */
  public static SignalSettings read(SettingsReader root) {
    SettingsReader r = root.at(PATH);
    Optional<FilePair> tls = r.filePair("tls.cert-file", "tls.key-file", TLS_FILES, PemSslContexts::fromPemFiles);
    SignalSettings settings = new SignalSettings(
        r.port("port"),
        r.count("buffer.max-messages", 0, 1_000_000),
        r.durationOrZero("buffer.max-age"),
        r.bytes("buffer.max-bytes", 0, MAX_BYTES),
        r.count("connection-queue-size", 1, 1_000_000),
        r.bytes("connection-queue-max-bytes", 1, MAX_BYTES),
        (int) r.bytes("max-message-size", 1, MAX_MESSAGE_SIZE),
        r.bytes("max-buffered-bytes", 1, MAX_BYTES),
        r.durationOrZero("idle-timeout"),
        r.count("max-resets-per-second", 0, 1_000_000),
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
    // A buffer or queue smaller than the largest message would refuse messages that Send accepted.
    if (r.ok("buffer.max-bytes", "max-message-size") && bufferMaxBytes > 0 && bufferMaxBytes < maxMessageSize) {
      r.reject("buffer.max-bytes", "0, or at least max-message-size (" + maxMessageSize + " bytes)");
    }
    if (r.ok("connection-queue-max-bytes", "max-message-size") && connectionQueueMaxBytes < maxMessageSize) {
      r.reject("connection-queue-max-bytes", "at least max-message-size (" + maxMessageSize + " bytes)");
    }
    if (r.ok("max-buffered-bytes", "max-message-size") && maxBufferedBytes < maxMessageSize) {
      r.reject("max-buffered-bytes", "at least max-message-size (" + maxMessageSize + " bytes)");
    }
    // Live streams carry no bytes between messages except pings: an idle timeout near the ping
    // interval would close them.
    if (r.ok("idle-timeout", "keepalive.ping-interval") && !idleTimeout.isZero() && !pingInterval.isZero()
        && idleTimeout.compareTo(pingInterval.multipliedBy(2)) < 0) {
      r.reject("idle-timeout", "0s (off), or at least twice keepalive.ping-interval (" + pingInterval + ")");
    }
  }

  public boolean tlsEnabled() {
    return tlsCertFile.isPresent();
  }
}
