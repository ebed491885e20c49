package dev.meshplane.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.protocol.relay.RelayProtocolLimits;
import dev.meshplane.relay.config.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed, validated settings of the relay service, read once from the {@code meshplane.relay}
 * subtree (defaults and the reason for each in {@code reference.conf}). Invalid values fail with an
 * {@link IllegalArgumentException} whose message is one line naming the setting and what it
 * accepts.
 */
public final class RelaySettings {

  static final String PREFIX = "meshplane.relay";

  /** The Go client closes a relay connection without a HealthCheck within 35 s (§8). */
  static final Duration CLIENT_HEALTH_WINDOW = Duration.ofSeconds(35);

  private final String host;
  private final int port;
  private final String authSecret;
  private final String exposedAddress;
  private final Optional<Path> tlsCertFile;
  private final Optional<Path> tlsKeyFile;
  private final Duration handshakeTimeout;
  private final Duration healthCheckInterval;
  private final Duration healthCheckTimeout;
  private final int healthCheckFailureThreshold;
  private final int maxConnections;
  private final int peerQueueSize;
  private final int maxMessageSize;
  private final Duration idleTimeout;
  private final Duration shutdownTimeout;

  private RelaySettings(Config c) {
    host = string(c, "host");
    if (host.isBlank()) {
      throw invalid("host", "\"\"", "a bind address such as 0.0.0.0 or 127.0.0.1");
    }
    port = intIn(c, "port", 0, 65_535, "is not a port (1-65535, or 0 for any)");
    authSecret = string(c, "auth-secret");
    tlsCertFile = optionalPath(c, "tls.cert-file");
    tlsKeyFile = optionalPath(c, "tls.key-file");
    if (tlsCertFile.isPresent() != tlsKeyFile.isPresent()) {
      throw new IllegalArgumentException(PREFIX + ".tls: cert-file and key-file must be set together (both, or neither for plain ws)");
    }
    exposedAddress = string(c, "exposed-address").strip();
    if (!exposedAddress.isEmpty()) {
      try {
        InstanceUrl.derive(exposedAddress, tlsCertFile.isPresent());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(PREFIX + ".exposed-address: " + e.getMessage()
            + " (accepted: host:port, rel://host:port or rels://host:port)");
      }
    }
    handshakeTimeout = positiveDuration(c, "handshake-timeout");
    healthCheckInterval = positiveDuration(c, "health-check-interval");
    if (healthCheckInterval.compareTo(CLIENT_HEALTH_WINDOW) >= 0) {
      throw invalid("health-check-interval", c.getValue("health-check-interval").render(),
          "a duration below 35s (openzro clients drop the relay after 35 s without a health check)");
    }
    healthCheckTimeout = positiveDuration(c, "health-check-timeout");
    if (healthCheckTimeout.compareTo(healthCheckInterval) <= 0) {
      throw invalid("health-check-timeout", c.getValue("health-check-timeout").render(),
          "a duration longer than health-check-interval (" + healthCheckInterval.toMillis() + " ms)");
    }
    healthCheckFailureThreshold = intIn(c, "health-check-failure-threshold", 1, 1_000, "is not a threshold (1-1000)");
    maxConnections = intIn(c, "max-connections", 1, 1_000_000, "is not a connection limit (1-1000000)");
    peerQueueSize = intIn(c, "peer-queue-size", 1, 1_000_000, "is not a queue size (1-1000000)");
    maxMessageSize = intIn(c, "max-message-size", RelayProtocolLimits.MAX_HANDSHAKE_SIZE,
        RelayProtocolLimits.MAX_MESSAGE_SIZE, "is not a message size ("
            + RelayProtocolLimits.MAX_HANDSHAKE_SIZE + "-" + RelayProtocolLimits.MAX_MESSAGE_SIZE + " bytes)");
    idleTimeout = positiveDuration(c, "idle-timeout");
    if (idleTimeout.compareTo(healthCheckInterval) <= 0) {
      throw invalid("idle-timeout", c.getValue("idle-timeout").render(),
          "a duration longer than health-check-interval (" + healthCheckInterval.toMillis() + " ms)");
    }
    shutdownTimeout = positiveDuration(c, "shutdown-timeout");
  }

  /**
   * Reads {@code meshplane.relay} from {@code root}; keys missing there come from this module's
   * {@code reference.conf}.
   */
  public static RelaySettings fromConfig(Config root) {
    Config withDefaults = root.withFallback(ConfigFactory.defaultReference(RelaySettings.class.getClassLoader()));
    return new RelaySettings(withDefaults.getConfig(PREFIX));
  }

  /** Bind address of the WebSocket listener. */
  public String host() {
    return host;
  }

  /** Configured port; 0 means any free port (see {@link RelayServer#boundPort()}). */
  public int port() {
    return port;
  }

  /** Whether an auth secret is configured; a relay cannot start without one. */
  public boolean hasAuthSecret() {
    return !authSecret.isEmpty();
  }

  /** The raw configured secret; hashed exactly once, in {@link RelayServer}. */
  String authSecret() {
    return authSecret;
  }

  /** Configured exposed address, empty if it is to be derived from host and bound port. */
  public String exposedAddress() {
    return exposedAddress;
  }

  /** Whether the listener terminates TLS itself. */
  public boolean tlsEnabled() {
    return tlsCertFile.isPresent();
  }

  public Optional<Path> tlsCertFile() {
    return tlsCertFile;
  }

  public Optional<Path> tlsKeyFile() {
    return tlsKeyFile;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  public Duration healthCheckInterval() {
    return healthCheckInterval;
  }

  public Duration healthCheckTimeout() {
    return healthCheckTimeout;
  }

  public int healthCheckFailureThreshold() {
    return healthCheckFailureThreshold;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public int peerQueueSize() {
    return peerQueueSize;
  }

  public int maxMessageSize() {
    return maxMessageSize;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** The AuthResponse URL (§4.3) for a listener bound to {@code boundPort}. */
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
        + ", peer-queue-size=" + peerQueueSize + ", max-message-size=" + maxMessageSize
        + ", idle-timeout=" + idleTimeout + ", shutdown-timeout=" + shutdownTimeout + "]";
  }

  // ------------------------------------------------------------ readers that fail with one line

  private static IllegalArgumentException invalid(String key, String value, String accepted) {
    return new SettingsReader(ConfigFactory.empty(), PREFIX).invalid(key, value, accepted);
  }

  private static String string(Config c, String key) {
    return new SettingsReader(c, PREFIX).string(key);
  }

  private static Optional<Path> optionalPath(Config c, String key) {
    String value = string(c, key).strip();
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }

  private static int intIn(Config c, String key, int min, int max, String problem) {
    return new SettingsReader(c, PREFIX).intIn(key, min, max, problem);
  }

  private static Duration positiveDuration(Config c, String key) {
    return new SettingsReader(c, PREFIX).positiveDuration(key);
  }
}
