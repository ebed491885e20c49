package dev.meshplane.relay;

import com.typesafe.config.Config;
import dev.meshplane.config.SettingsReader;
import dev.meshplane.config.SettingsReader.FilePair;
import dev.meshplane.protocol.relay.RelayProtocolLimits;
import dev.meshplane.protocol.tls.PemSslContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed, validated settings of the relay service, {@code meshplane.relay} (defaults and the reason
 * for each in this module's {@code reference.conf}).
 *
 * @param host bind address of the WebSocket listener
 * @param port configured port; 0 means any free port (see {@link RelayServer#boundPort()})
 * @param authSecret the raw configured secret, hashed exactly once, in {@link RelayServer}; empty
 *     when not set (the node decides whether that is allowed)
 * @param exposedAddress configured exposed address, empty if it is derived from host and bound port
 * @param maxConnections authenticated peers; connections still in their handshake count against
 *     {@code maxHandshakingConnections} instead
 * @param trustXRealIp whether {@code X-Real-Ip} names the client for the per-address limit (only
 *     behind a proxy that sets it); otherwise the TCP peer address does
 */
public record RelaySettings(
    String host,
    int port,
    String authSecret,
    String exposedAddress,
    Optional<Path> tlsCertFile,
    Optional<Path> tlsKeyFile,
    Duration handshakeTimeout,
    Duration healthCheckInterval,
    Duration healthCheckTimeout,
    int healthCheckFailureThreshold,
    int maxConnections,
    int maxHandshakingConnections,
    int maxConnectionsPerAddress,
    boolean trustXRealIp,
    Duration maxTokenLifetime,
    int peerQueueSize,
    int maxMessageSize,
    Duration idleTimeout,
    Duration shutdownTimeout) {

  private static final String TLS_FILES = "a PEM certificate chain whose key is tls.key-file";

  public static final String PATH = "meshplane.relay";

  /** The Go client closes a relay connection without a HealthCheck within 35 s (docs/relay.md, health checks). */
  static final Duration CLIENT_HEALTH_WINDOW = Duration.ofSeconds(35);

  /** Reads {@code meshplane.relay} from the whole configuration; the problems go to {@code root}. */
  public static RelaySettings read(SettingsReader root) {
    SettingsReader r = root.at(PATH);
    Optional<FilePair> tls = r.filePair("tls.cert-file", "tls.key-file", TLS_FILES, PemSslContexts::fromPemFiles);
    RelaySettings settings = new RelaySettings(
        r.host("host"),
        r.port("port"),
        r.secret("auth-secret"),
        r.string("exposed-address"),
        tls.map(FilePair::first),
        tls.map(FilePair::second),
        r.duration("handshake-timeout"),
        r.duration("health-check-interval"),
        r.duration("health-check-timeout"),
        r.count("health-check-failure-threshold", 1, 1_000),
        r.count("max-connections", 1, 1_000_000),
        r.count("max-handshaking-connections", 1, 1_000_000),
        r.count("max-connections-per-address", 1, 1_000_000),
        r.bool("trust-x-real-ip"),
        r.duration("max-token-lifetime"),
        r.count("peer-queue-size", 1, 1_000_000),
        (int) r.bytes("max-message-size", RelayProtocolLimits.MAX_HANDSHAKE_SIZE, RelayProtocolLimits.MAX_MESSAGE_SIZE),
        r.duration("idle-timeout"),
        r.duration("shutdown-timeout"));
    settings.check(r);
    return settings;
  }

  /**
   * Reads {@code meshplane.relay} from {@code root}, taking what is missing there from this module's
   * {@code reference.conf}: for programs that run a relay without a node (benchmarks).
   */
  public static RelaySettings fromConfig(Config root) {
    return SettingsReader.readOverDefaults(root, RelaySettings.class, RelaySettings::read);
  }

  private void check(SettingsReader r) {
    if (!exposedAddress.isEmpty()) {
      try {
        InstanceUrl.derive(exposedAddress, tlsCertFile.isPresent());
      } catch (IllegalArgumentException e) {
        r.reject("exposed-address", "host:port, rel://host:port or rels://host:port (" + e.getMessage() + ")");
      }
    }
    if (r.ok("health-check-interval") && healthCheckInterval.compareTo(CLIENT_HEALTH_WINDOW) >= 0) {
      r.reject("health-check-interval",
          "a duration below 35s (openzro clients drop the relay after 35 s without a health check)");
    }
    if (r.ok("health-check-interval", "health-check-timeout") && healthCheckTimeout.compareTo(healthCheckInterval) <= 0) {
      r.reject("health-check-timeout",
          "a duration longer than health-check-interval (" + healthCheckInterval.toMillis() + " ms)");
    }
    if (r.ok("health-check-interval", "idle-timeout") && idleTimeout.compareTo(healthCheckInterval) <= 0) {
      r.reject("idle-timeout", "a duration longer than health-check-interval (" + healthCheckInterval.toMillis() + " ms)");
    }
  }

  /** The same settings with {@code secret} as the auth secret (a lab node makes one up). */
  public RelaySettings withAuthSecret(String secret) {
    return new RelaySettings(host, port, secret, exposedAddress, tlsCertFile, tlsKeyFile, handshakeTimeout,
        healthCheckInterval, healthCheckTimeout, healthCheckFailureThreshold, maxConnections, maxHandshakingConnections,
        maxConnectionsPerAddress, trustXRealIp, maxTokenLifetime, peerQueueSize, maxMessageSize, idleTimeout,
        shutdownTimeout);
  }

  /** Whether an auth secret is configured; a relay cannot start without one. */
  public boolean hasAuthSecret() {
    return !authSecret.isEmpty();
  }

  /** Whether the listener terminates TLS itself. */
  public boolean tlsEnabled() {
    return tlsCertFile.isPresent();
  }

  /** The AuthResponse URL (docs/relay.md) for a listener bound to {@code boundPort}. */
  String instanceUrl(int boundPort) {
    if (!exposedAddress.isEmpty()) {
      return InstanceUrl.derive(exposedAddress, tlsEnabled());
    }
    return InstanceUrl.derive(host + ":" + boundPort, tlsEnabled());
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "RelaySettings[host=" + host + ", port=" + port + ", auth-secret=" + (hasAuthSecret() ? "<set>" : "<empty>")
        + ", exposed-address=" + exposedAddress + ", tls=" + tlsEnabled() + ", handshake-timeout=" + handshakeTimeout
        + ", health-check-interval=" + healthCheckInterval + ", health-check-timeout=" + healthCheckTimeout
        + ", health-check-failure-threshold=" + healthCheckFailureThreshold + ", max-connections=" + maxConnections
        + ", max-handshaking-connections=" + maxHandshakingConnections
        + ", max-connections-per-address=" + maxConnectionsPerAddress + ", trust-x-real-ip=" + trustXRealIp
        + ", max-token-lifetime=" + maxTokenLifetime + ", peer-queue-size=" + peerQueueSize + ", max-message-size=" + maxMessageSize
        + ", idle-timeout=" + idleTimeout + ", shutdown-timeout=" + shutdownTimeout + "]";
  }
}
