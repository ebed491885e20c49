package dev.meshplane.relay.fabric;

import com.typesafe.config.Config;
import dev.meshplane.config.EnvOverrides;
import dev.meshplane.config.SettingsReader;
import dev.meshplane.protocol.fabric.HelloV2;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed, validated settings of the inter-node fabric, {@code meshplane.relay.fabric} (defaults and
 * the reason for each in the relay module's {@code reference.conf}).
 *
 * @param announceHost the host other nodes dial, when it is not the node's host
 * @param headless openzro's headless service name, polled for members (DNS discovery)
 * @param openzroPods whether a remote that does not prove the secret, as an openzro pod cannot, is
 *     trusted on its HELLO alone (see {@link #openzroPodsAllowed})
 */
public record FabricSettings(
    Enabled enabled,
    String host,
    int port,
    Optional<String> announceHost,
    String secret,
    boolean trustedBackplane,
    OpenzroPods openzroPods,
    Optional<String> headless,
    Duration discoveryInterval,
    Duration connectTimeout,
    Duration helloTimeout,
    Duration lookupTimeout,
    Duration cacheTtl,
    Duration pingInterval,
    Duration pingTimeout,
    int streamQueueSize,
    int lookupBacklog,
    Duration redialMinBackoff,
    Duration redialMaxBackoff) {

  public static final String PATH = "meshplane.relay.fabric";

  /** Whether the fabric runs; {@link #AUTO} is decided by the node from its cluster mode. */
  public enum Enabled { AUTO, ON, OFF }

  /** Whether openzro pods may join the fabric; {@link #AUTO} is decided by how members are found. */
  public enum OpenzroPods { AUTO, ON, OFF }

  /** Reads {@code meshplane.relay.fabric} from the whole configuration; the problems go to {@code root}. */
  public static FabricSettings read(SettingsReader root) {
    SettingsReader r = root.at(PATH);
    FabricSettings settings = new FabricSettings(
        r.oneOf("enabled", Enabled.class),
        r.host("host"),
        r.port("port"),
        r.optionalHost("announce-host"),
        r.secret("secret"),
        r.bool("trusted-backplane"),
        r.oneOf("openzro-pods", OpenzroPods.class),
        Optional.of(r.string("headless")).filter(name -> !name.isEmpty()),
        r.duration("discovery-interval"),
        r.duration("connect-timeout"),
        r.duration("hello-timeout"),
        r.duration("lookup-timeout"),
        r.duration("cache-ttl"),
        r.duration("ping-interval"),
        r.duration("ping-timeout"),
        r.count("stream-queue-size", 16, 1_000_000),
        r.count("lookup-backlog", 1, 100_000),
        r.duration("redial-min-backoff"),
        r.duration("redial-max-backoff"));
    settings.check(r);
    return settings;
  }

  /**
   * Reads {@code meshplane.relay.fabric} from {@code root}, taking what is missing there from the
   * relay module's {@code reference.conf}: for programs that run a fabric without a node (benchmarks).
   */
  public static FabricSettings fromConfig(Config root) {
    return SettingsReader.readOverDefaults(root, FabricSettings.class, FabricSettings::read);
  }

  private void check(SettingsReader r) {
    // The longest address HELLO would carry: brackets for IPv6 and a five-digit port.
    if (announceHost.isPresent()
        && HelloV2.joinHostPort(announceHost.get(), 65_535).getBytes(StandardCharsets.UTF_8).length
            > HelloV2.MAX_ADDRESS_LENGTH) {
      r.reject("announce-host", "a host or IP whose host:port fits in " + HelloV2.MAX_ADDRESS_LENGTH + " bytes");
    }
    if (r.ok("ping-interval", "ping-timeout") && pingTimeout.compareTo(pingInterval) <= 0) {
      r.reject("ping-timeout", "a duration longer than ping-interval (" + pingInterval.toMillis() + " ms)");
    }
    if (r.ok("redial-min-backoff", "redial-max-backoff") && redialMaxBackoff.compareTo(redialMinBackoff) < 0) {
      r.reject("redial-max-backoff", "a duration at least redial-min-backoff (" + redialMinBackoff.toMillis() + " ms)");
    }
  }

  /**
   * Whether the fabric runs on a node that is {@code clustered} (part of a multi-node cluster).
   * {@code auto} follows openzro: on with a headless name, and on for a meshplane cluster.
   */
  public boolean activeFor(boolean clustered) {
    return switch (enabled) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> clustered || headless.isPresent();
    };
  }

  /**
   * Whether a remote that never proves the secret for its stream (an openzro pod cannot: it only
   * signs its HELLO) is trusted with lookups and packets, as openzro trusts it. {@code auto} allows
   * it unless the node takes its members only from the Pekko cluster, where every member is a
   * meshplane node; a headless name is openzro's way to find pods, so it allows them. Without a
   * secret nothing can be proved and nothing is refused on this account.
   *
   * @param clusterDiscoveryOnly the node finds members through the Pekko cluster and nothing else
   */
  public boolean openzroPodsAllowed(boolean clusterDiscoveryOnly) {
    return switch (openzroPods) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> !clusterDiscoveryOnly || headless.isPresent();
    };
  }

  /**
   * Refuses an unauthenticated fabric unless the operator said the backplane is trusted: without a
   * secret anybody who reaches the fabric port can inject packets for any peer.
   */
  public void requireSecretUnlessTrusted(SettingsReader root) {
    if (secret.isEmpty() && !trustedBackplane) {
      root.at(PATH).reject("secret", "the same secret on every relay node, as the fabric is on (set "
          + String.join(" or ", EnvOverrides.variablesFor(PATH + ".secret")) + "), or declare the network between "
          + "nodes trusted (" + String.join(" or ", EnvOverrides.variablesFor(PATH + ".trusted-backplane")) + "=true)");
    }
  }

  /** The HELLO key: the secret's UTF-8 bytes, as-is (as openzro, relay/server/clusterboot.go); empty for unsigned. */
  public byte[] secretBytes() {
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "FabricSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", announce-host="
        + announceHost.orElse("") + ", secret=" + (secret.isEmpty() ? "<empty>" : "<set>") + ", trusted-backplane="
        + trustedBackplane + ", openzro-pods=" + openzroPods.name().toLowerCase(java.util.Locale.ROOT) + ", headless="
        + headless.orElse("") + "]";
  }
}
