package dev.meshplane.relay.fabric;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.protocol.fabric.HelloV2;
import dev.meshplane.relay.config.SettingsReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed, validated settings of the inter-node fabric, read once from {@code meshplane.relay.fabric}
 * (defaults and the reason for each in the relay module's {@code reference.conf}).
 */
public final class FabricSettings {

  static final String PREFIX = "meshplane.relay.fabric";

  /** Whether the fabric runs; {@link #AUTO} is decided by the node from its cluster mode. */
  public enum Enabled { AUTO, ON, OFF }

  private final Enabled enabled;
  private final String host;
  private final int port;
  private final String announceHost;
  private final String secret;
  private final boolean trustedBackplane;
  private final String headless;
  private final Duration discoveryInterval;
  private final Duration connectTimeout;
  private final Duration helloTimeout;
  private final Duration lookupTimeout;
  private final Duration cacheTtl;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final int streamQueueSize;
  private final int lookupBacklog;
  private final Duration redialMinBackoff;
  private final Duration redialMaxBackoff;

  private FabricSettings(Config c) {
    SettingsReader r = new SettingsReader(c, PREFIX);
    String mode = r.string("enabled").strip().toUpperCase(Locale.ROOT);
    try {
      enabled = Enabled.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw r.invalid("enabled", r.describe("enabled"), "auto, on, off");
    }
    host = r.string("host").strip();
    if (host.isEmpty()) {
      throw r.invalid("host", "\"\"", "a bind address such as 0.0.0.0 or 127.0.0.1");
    }
    port = r.intIn("port", 0, 65_535, "is not a port (1-65535, or 0 for any)");
    announceHost = r.string("announce-host").strip();
    // The longest address HELLO would carry: brackets for IPv6 and a five-digit port.
    if (HelloV2.joinHostPort(announceHost, 65_535).getBytes(StandardCharsets.UTF_8).length
        > HelloV2.MAX_ADDRESS_LENGTH) {
      throw r.invalid("announce-host", r.describe("announce-host"), "a host or IP whose host:port fits in 255 bytes");
    }
    secret = r.string("secret");
    trustedBackplane = r.bool("trusted-backplane");
    headless = r.string("headless").strip();
    discoveryInterval = r.positiveDuration("discovery-interval");
    connectTimeout = r.positiveDuration("connect-timeout");
    helloTimeout = r.positiveDuration("hello-timeout");
    lookupTimeout = r.positiveDuration("lookup-timeout");
    cacheTtl = r.positiveDuration("cache-ttl");
    pingInterval = r.positiveDuration("ping-interval");
    pingTimeout = r.positiveDuration("ping-timeout");
    if (pingTimeout.compareTo(pingInterval) <= 0) {
      throw r.invalid("ping-timeout", r.describe("ping-timeout"),
          "a duration longer than ping-interval (" + pingInterval.toMillis() + " ms)");
    }
    streamQueueSize = r.intIn("stream-queue-size", 16, 1_000_000, "is not a queue size (16-1000000)");
    lookupBacklog = r.intIn("lookup-backlog", 1, 100_000, "is not a backlog size (1-100000)");
    redialMinBackoff = r.positiveDuration("redial-min-backoff");
    redialMaxBackoff = r.positiveDuration("redial-max-backoff");
    if (redialMaxBackoff.compareTo(redialMinBackoff) < 0) {
      throw r.invalid("redial-max-backoff", r.describe("redial-max-backoff"),
          "a duration at least redial-min-backoff (" + redialMinBackoff.toMillis() + " ms)");
    }
  }

  /** Reads {@code meshplane.relay.fabric} from {@code root}, defaults from {@code reference.conf}. */
  public static FabricSettings fromConfig(Config root) {
    Config withDefaults = root.withFallback(ConfigFactory.defaultReference(FabricSettings.class.getClassLoader()));
    return new FabricSettings(withDefaults.getConfig(PREFIX));
  }

  /**
   * Whether the fabric runs on a node that is {@code clustered} (part of a multi-node cluster).
   * {@code auto} follows openzro: on with a headless name, and on for a meshplane cluster.
   */
  public boolean activeFor(boolean clustered) {
    return switch (enabled) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> clustered || !headless.isEmpty();
    };
  }

  /**
   * Refuses an unauthenticated fabric unless the operator said the backplane is trusted.
   *
   * @throws IllegalArgumentException with a one-line message naming the settings and variables
   */
  public void requireSecretUnlessTrusted() {
    if (secret.isEmpty() && !trustedBackplane) {
      throw new IllegalArgumentException(PREFIX + ".secret: not set, and the fabric is on (several relay nodes): "
          + "without it anybody reaching the fabric port can inject packets for any peer. Set the same secret on "
          + "every node (env MESHPLANE_FABRIC_SECRET or OZ_CLUSTER_AUTH_SECRET), or declare the network between "
          + "nodes trusted (MESHPLANE_FABRIC_TRUSTED_BACKPLANE=true)");
    }
  }

  public Enabled enabled() {
    return enabled;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The configured announce host; empty means "use the node's host". */
  public Optional<String> announceHost() {
    return announceHost.isEmpty() ? Optional.empty() : Optional.of(announceHost);
  }

  /** The HELLO key: the secret's UTF-8 bytes, as-is (relay-fabric.md §1); empty for unsigned. */
  public byte[] secretBytes() {
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  public boolean trustedBackplane() {
    return trustedBackplane;
  }

  public Optional<String> headless() {
    return headless.isEmpty() ? Optional.empty() : Optional.of(headless);
  }

  public Duration discoveryInterval() {
    return discoveryInterval;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration helloTimeout() {
    return helloTimeout;
  }

  public Duration lookupTimeout() {
    return lookupTimeout;
  }

  public Duration cacheTtl() {
    return cacheTtl;
  }

  public Duration pingInterval() {
    return pingInterval;
  }

  public Duration pingTimeout() {
    return pingTimeout;
  }

  public int streamQueueSize() {
    return streamQueueSize;
  }

  public int lookupBacklog() {
    return lookupBacklog;
  }

  public Duration redialMinBackoff() {
    return redialMinBackoff;
  }

  public Duration redialMaxBackoff() {
    return redialMaxBackoff;
  }
}
