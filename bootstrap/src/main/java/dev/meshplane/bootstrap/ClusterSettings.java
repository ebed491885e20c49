package dev.meshplane.bootstrap;

import dev.meshplane.config.SettingsReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Typed view of {@code meshplane.cluster.*}: how embedded nodes find each other and stay whole. */
public record ClusterSettings(
    ClusterMode mode,
    DiscoveryMethod discovery,
    List<HostPort> peers,
    String serviceName,
    List<HostPort> dnsNameservers,
    String podLabelSelector,
    int requiredContactPoints,
    Duration stableMargin,
    String splitBrainStrategy,
    Duration splitBrainStableAfter) {

  /** {@code meshplane.cluster.discovery.method}. */
  public enum DiscoveryMethod {
    CONFIG("config"),
    DNS("pekko-dns"),
    KUBERNETES_API("kubernetes-api");

    private final String pekkoMethod;

    DiscoveryMethod(String pekkoMethod) {
      this.pekkoMethod = pekkoMethod;
    }

    public String configValue() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The Pekko Discovery method name the bootstrap uses. */
    String pekkoMethod() {
      return pekkoMethod;
    }
  }

  /** Split Brain Resolver strategies, as Pekko names them. */
  private enum Strategy { KEEP_MAJORITY, STATIC_QUORUM, KEEP_OLDEST, DOWN_ALL, LEASE_MAJORITY }

  /** A host and port as written by an operator. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** Reads {@code meshplane.cluster}; the problems go to {@code root}. */
  public static ClusterSettings read(SettingsReader root, NodeSettings node) {
    SettingsReader r = root.at("meshplane.cluster");
    DiscoveryMethod discovery = r.oneOf("discovery.method", DiscoveryMethod.class);
    List<HostPort> peers = peers(r, node.managementPort());
    if (node.clusterMode() != ClusterMode.DISABLED && discovery == DiscoveryMethod.CONFIG && peers.isEmpty()
        && r.ok("discovery.peers")) {
      r.reject("discovery.peers", "the management address of every node, host[:port],... (config discovery)");
    }
    List<HostPort> nameservers = List.of();
    if (!r.string("discovery.dns.nameservers").equals("default")) {
      nameservers = hostPorts(r, "discovery.dns.nameservers", 53);
    }
    return new ClusterSettings(
        node.clusterMode(),
        discovery,
        peers,
        r.string("discovery.service-name"),
        nameservers,
        r.string("discovery.kubernetes.pod-label-selector"),
        r.count("discovery.required-contact-points", 1, 1_000),
        r.duration("discovery.stable-margin"),
        r.oneOf("split-brain-resolver.active-strategy", Strategy.class).name().toLowerCase(Locale.ROOT).replace('_', '-'),
        r.duration("split-brain-resolver.stable-after"));
  }

  /**
   * Node addresses as {@code host[:port]} or openzro's {@code nats://host:port}. A NATS route
   * port means nothing to meshplane, so such entries take the management port.
   */
  private static List<HostPort> peers(SettingsReader r, int managementPort) {
    List<HostPort> peers = new ArrayList<>();
    for (String entry : r.list("discovery.peers")) {
      Optional<HostPort> peer = entry.startsWith("nats://")
          ? natsRouteHost(entry).map(host -> new HostPort(host, managementPort))
          : hostPort(entry, managementPort);
      if (peer.isEmpty()) {
        r.reject("discovery.peers", "host[:port],... or openzro's nats://host:port routes (port 1-65535)");
        return List.of();
      }
      peers.add(peer.get());
    }
    return List.copyOf(peers);
  }

  private static List<HostPort> hostPorts(SettingsReader r, String key, int defaultPort) {
    List<HostPort> result = new ArrayList<>();
    for (String entry : r.list(key)) {
      Optional<HostPort> parsed = hostPort(entry, defaultPort);
      if (parsed.isEmpty()) {
        r.reject(key, "default, or host[:port],... (port 1-65535)");
        return List.of();
      }
      result.add(parsed.get());
    }
    return List.copyOf(result);
  }

  private static Optional<String> natsRouteHost(String entry) {
    try {
      return Optional.ofNullable(URI.create(entry).getHost());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<HostPort> hostPort(String entry, int defaultPort) {
    int colon = entry.lastIndexOf(':');
    if (colon < 0 || entry.endsWith("]")) {
      return Optional.of(new HostPort(entry, defaultPort));
    }
    String host = entry.substring(0, colon);
    try {
      int port = Integer.parseInt(entry.substring(colon + 1));
      return port < 1 || port > 65535 || host.isEmpty() ? Optional.empty() : Optional.of(new HostPort(host, port));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
