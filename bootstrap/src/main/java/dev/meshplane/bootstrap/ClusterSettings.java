package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    CONFIG("config", "config"),
    DNS("dns", "pekko-dns"),
    KUBERNETES_API("kubernetes-api", "kubernetes-api");

    private final String configValue;
    private final String pekkoMethod;

    DiscoveryMethod(String configValue, String pekkoMethod) {
      this.configValue = configValue;
      this.pekkoMethod = pekkoMethod;
    }

    public String configValue() {
      return configValue;
    }

    /** The Pekko Discovery method name the bootstrap uses. */
    String pekkoMethod() {
      return pekkoMethod;
    }

    static DiscoveryMethod parse(String value) {
      for (DiscoveryMethod method : values()) {
        if (method.configValue.equals(value.trim().toLowerCase(Locale.ROOT))) {
          return method;
        }
      }
      throw new IllegalArgumentException("meshplane.cluster.discovery.method: '" + value
          + "' is not a discovery method (accepted: config, dns, kubernetes-api)");
    }
  }

  /** A host and port as written by an operator. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private static final List<String> STRATEGIES =
      List.of("keep-majority", "static-quorum", "keep-oldest", "down-all", "lease-majority");

  public static ClusterSettings fromConfig(Config root, NodeSettings node) {
    Config c = root.getConfig("meshplane.cluster");
    DiscoveryMethod discovery = DiscoveryMethod.parse(c.getString("discovery.method"));
    List<HostPort> peers = parsePeers(c.getString("discovery.peers"), node.managementPort());
    if (node.clusterMode() != ClusterMode.DISABLED && discovery == DiscoveryMethod.CONFIG && peers.isEmpty()) {
      throw new IllegalArgumentException("meshplane.cluster.discovery.peers: empty; config discovery needs the"
          + " management address of every node (host:port,...)");
    }
    String nameservers = c.getString("discovery.dns.nameservers").trim();
    List<HostPort> dnsNameservers =
        nameservers.equals("default") ? List.of() : parseHostPorts("discovery.dns.nameservers", nameservers, 53);
    int required = c.getInt("discovery.required-contact-points");
    if (required < 1) {
      throw new IllegalArgumentException("meshplane.cluster.discovery.required-contact-points: " + required
          + " is too small (>= 1)");
    }
    String strategy = c.getString("split-brain-resolver.active-strategy").trim();
    if (!STRATEGIES.contains(strategy)) {
      throw new IllegalArgumentException("meshplane.cluster.split-brain-resolver.active-strategy: '" + strategy
          + "' is not a strategy (accepted: " + String.join(", ", STRATEGIES) + ")");
    }
    return new ClusterSettings(
        node.clusterMode(),
        discovery,
        peers,
        c.getString("discovery.service-name").trim(),
        dnsNameservers,
        c.getString("discovery.kubernetes.pod-label-selector").trim(),
        required,
        duration(c, "discovery.stable-margin"),
        strategy,
        duration(c, "split-brain-resolver.stable-after"));
  }

  /**
   * Node addresses as {@code host[:port]} or openzro's {@code nats://host:port}. A NATS route
   * port means nothing to meshplane, so such entries take the management port.
   */
  static List<HostPort> parsePeers(String value, int managementPort) {
    List<HostPort> peers = new ArrayList<>();
    for (String item : value.split(",")) {
      String entry = item.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.startsWith("nats://")) {
        String host = URI.create(entry).getHost();
        if (host == null) {
          throw new IllegalArgumentException("meshplane.cluster.discovery.peers: '" + entry + "' has no host");
        }
        peers.add(new HostPort(host, managementPort));
      } else {
        peers.add(parseHostPort("discovery.peers", entry, managementPort));
      }
    }
    return List.copyOf(peers);
  }

  private static List<HostPort> parseHostPorts(String key, String value, int defaultPort) {
    List<HostPort> result = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        result.add(parseHostPort(key, item.trim(), defaultPort));
      }
    }
    return List.copyOf(result);
  }

  private static HostPort parseHostPort(String key, String entry, int defaultPort) {
    int colon = entry.lastIndexOf(':');
    if (colon < 0 || entry.endsWith("]")) {
      return new HostPort(entry, defaultPort);
    }
    String host = entry.substring(0, colon);
    try {
      int port = Integer.parseInt(entry.substring(colon + 1));
      if (port < 1 || port > 65535 || host.isEmpty()) {
        throw new NumberFormatException();
      }
      return new HostPort(host, port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("meshplane.cluster." + key + ": '" + entry
          + "' is not host or host:port (port 1-65535)", e);
    }
  }

  private static Duration duration(Config c, String key) {
    try {
      return c.getDuration(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new IllegalArgumentException("meshplane.cluster." + key + ": '" + c.getValue(key).unwrapped()
          + "' is not a duration (e.g. 3s)", e);
    }
  }
}
