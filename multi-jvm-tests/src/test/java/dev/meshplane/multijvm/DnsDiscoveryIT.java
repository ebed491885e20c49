package dev.meshplane.multijvm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Three real node JVMs form one cluster through Cluster Bootstrap with {@code dns} discovery: the
 * headless-service name resolves, on a real DNS server (dnsmasq), to the nodes' three addresses.
 */
class DnsDiscoveryIT {

  private static final String HEADLESS_SERVICE = "meshplane-headless.mesh.svc.cluster.local";

  private Dnsmasq dns;
  private LoopbackCluster cluster;

  @AfterEach
  void stopProcesses() {
    if (cluster != null) {
      cluster.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  @Test
  @DisplayName("dns discovery: three nodes found through the A records of a headless service on dnsmasq")
  void threeNodesFoundThroughHeadlessServiceRecordsFormOneCluster() throws Exception {
    dns = Dnsmasq.serve(HEADLESS_SERVICE, LoopbackCluster.ADDRESSES);
    cluster = LoopbackCluster.withSharedManagementPort();
    cluster.start("dns-node", Map.of(
        "MESHPLANE_CLUSTER_MODE", "embedded",
        "MESHPLANE_DISCOVERY", "dns",
        "MESHPLANE_DISCOVERY_SERVICE_NAME", HEADLESS_SERVICE,
        "MESHPLANE_DISCOVERY_DNS_NAMESERVERS", dns.nameserver(),
        "MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", "3",
        "MESHPLANE_ROLES", "signal"));

    cluster.awaitAllReady();
    cluster.awaitAllMembersUpEverywhere();
    cluster.assertSignalCrossesFromFirstToThirdNode();
    // The nodes asked this server, not the system resolver: Pekko's resolver asks AAAA along with
    // A for a name, and the test itself only ever asks A.
    assertTrue(dns.queries("AAAA", HEADLESS_SERVICE) > 0,
        "no node queried dnsmasq for " + HEADLESS_SERVICE + ":\n" + dns.logText());
  }
}
