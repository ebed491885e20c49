package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.bootstrap.ClusterSettings.DiscoveryMethod;
import dev.meshplane.bootstrap.ClusterSettings.HostPort;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node becomes a cluster member. {@code disabled}: it joins itself. {@code embedded}: Pekko
 * Management Cluster Bootstrap finds the other nodes' management endpoints through the configured
 * discovery method, and the lowest-addressed node forms the cluster once enough are seen.
 */
final class ClusterFormation {

  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);

  /** Name under which config discovery lists the static peers; an internal key, never resolved. */
  private static final String CONFIG_SERVICE = "meshplane-nodes";

  private ClusterFormation() {}

  /** Pekko settings for the mode; empty for a single node. */
  static Config pekkoOverlay(ClusterSettings cluster, NodeSettings node) {
    if (cluster.mode() == ClusterMode.DISABLED) {
      return ConfigFactory.empty();
    }
    String bootstrap = "pekko.management.cluster.bootstrap.";
    Map<String, Object> values = new HashMap<>();
    values.put("pekko.cluster.downing-provider-class", "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    values.put("pekko.cluster.split-brain-resolver.active-strategy", cluster.splitBrainStrategy());
    values.put("pekko.cluster.split-brain-resolver.stable-after",
        cluster.splitBrainStableAfter().toMillis() + "ms");
    values.put(bootstrap + "contact-point-discovery.discovery-method", cluster.discovery().pekkoMethod());
    values.put(bootstrap + "contact-point-discovery.required-contact-point-nr", cluster.requiredContactPoints());
    values.put(bootstrap + "contact-point-discovery.stable-margin", cluster.stableMargin().toMillis() + "ms");
    // Nodes of one local or bare-metal cluster may use different management ports.
    values.put(bootstrap + "contact-point.filter-on-fallback-port", false);
    values.put(bootstrap + "contact-point.fallback-port", node.managementPort());
    switch (cluster.discovery()) {
      case CONFIG -> {
        values.put(bootstrap + "contact-point-discovery.service-name", CONFIG_SERVICE);
        // A static list names nodes that may not run yet (planned scale-up, a node being
        // replaced); waiting to reach every listed node would then stop the cluster from forming.
        values.put(bootstrap + "contact-point-discovery.contact-with-all-contact-points", false);
        values.put("pekko.discovery.config.services." + CONFIG_SERVICE + ".endpoints",
            cluster.peers().stream().map(p -> Map.of("host", p.host(), "port", p.port())).toList());
      }
      case DNS -> {
        values.put(bootstrap + "contact-point-discovery.service-name", cluster.serviceName());
        if (!cluster.dnsNameservers().isEmpty()) {
          values.put("pekko.io.dns.resolver", "async-dns");
          values.put("pekko.io.dns.async-dns.nameservers",
              cluster.dnsNameservers().stream().map(HostPort::toString).toList());
        }
      }
      case KUBERNETES_API -> {
        values.put(bootstrap + "contact-point-discovery.service-name", cluster.serviceName());
        values.put("pekko.discovery.kubernetes-api.pod-label-selector", cluster.podLabelSelector());
        // Contact pods by IP: pod DNS names (a-b-c-d.ns.pod.cluster.local) resolve only where
        // cluster DNS serves pod records, and nodes advertise their pod IP anyway (MESHPLANE_HOST).
        values.put("pekko.discovery.kubernetes-api.use-raw-ip", true);
      }
    }
    return ConfigFactory.parseMap(values, "meshplane cluster settings");
  }

  /** Starts joining: at once for a single node, through Cluster Bootstrap otherwise. */
  static void join(ActorSystem<Guardian.Command> system, ClusterSettings cluster) {
    if (cluster.mode() == ClusterMode.DISABLED) {
      Cluster self = Cluster.get(system);
      self.manager().tell(Join.create(self.selfMember().address()));
      return;
    }
    warnAboutSize(cluster);
    system.tell(new Guardian.StartClusterSizeWarning(cluster.splitBrainStrategy()));
    log.info("Forming or joining a cluster through {} discovery", cluster.discovery().configValue());
    ClusterBootstrap.get(system.classicSystem()).start();
  }

  /**
   * keep-majority downs the minority after a partition: with an even count both halves can be
   * equal and with fewer than 3 nodes one lost node is no majority, so say it early.
   */
  private static void warnAboutSize(ClusterSettings cluster) {
    if (cluster.discovery() == DiscoveryMethod.CONFIG) {
      int size = cluster.peers().size();
      if (size < 3 || size % 2 == 0) {
        log.warn("meshplane.cluster.discovery.peers lists {} nodes; run an odd number >= 3 so that {} can keep a"
            + " majority when a node or link fails", size, cluster.splitBrainStrategy());
      }
    } else if (cluster.requiredContactPoints() < 2) {
      log.warn("meshplane.cluster.discovery.required-contact-points is {}; a node that cannot see the others may"
          + " form a cluster of its own", cluster.requiredContactPoints());
    }
  }
}
