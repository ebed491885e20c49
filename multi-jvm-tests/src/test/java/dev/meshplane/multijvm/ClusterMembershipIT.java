package dev.meshplane.multijvm;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Who can become a cluster member: a JVM started from the same jar, pointed at a member's
 * management endpoint, learns where to join and dials the remoting port; without a certificate
 * from the cluster's CA it is refused there, never becomes a member and never hosts a shard. An
 * embedded node without TLS does not start at all, and a lone node's remoting is out of reach.
 */
class ClusterMembershipIT {

  private static final Duration READY = Duration.ofSeconds(90);
  /** An intruder gets its seed node within a few seconds of start; a refused join retries every 5 s. */
  private static final Duration JOIN_ATTEMPT = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern NODE = Pattern.compile("\"node\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern SELF = Pattern.compile("\"selfNode\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern ENTITIES = Pattern.compile("\"numEntities\"\\s*:\\s*(\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void onlyANodeWithTheClustersCertificateBecomesAMember() throws Exception {
    NodeProcess.Ports memberPorts = NodeProcess.Ports.free();
    String contactPoint = "127.0.0.1:" + memberPorts.management();
    Map<String, String> anotherCa = embedded(contactPoint);
    anotherCa.put("MESHPLANE_REMOTING_TLS_DIR", ClusterCertificates.fromAnotherCa("127.0.0.1").toString());
    Map<String, String> plainTcp = embedded(contactPoint);
    plainTcp.put("MESHPLANE_REMOTING_TLS_DIR", "");
    plainTcp.put("MESHPLANE_CLUSTER_TRUSTED_NETWORK", "true");
    // All three start at once: an intruder waits for the member to answer with its seed node.
    try (NodeProcess member = NodeProcess.start("member", memberPorts, embedded(contactPoint));
        NodeProcess withAnotherCa = NodeProcess.start("intruder-another-ca", anotherCa);
        NodeProcess withoutTls = NodeProcess.start("intruder-plain-tcp", plainTcp)) {
      member.awaitReady(READY);
      try (SignalTestClient client = new SignalTestClient("127.0.0.1", member.signalPort);
          PeerStream alice = client.connect("alice");
          PeerStream bob = client.connect("bob")) {
        alice.awaitRegistered(WAIT);
        bob.awaitRegistered(WAIT);

        // Each intruder learned the member's address from its management endpoint and dialed it.
        awaitInLog(withAnotherCa, "SSLHandshakeException", "the intruder with another CA's certificate failed the"
            + " TLS handshake");
        awaitInLog(withoutTls, "Couldn't join seed nodes", "the plain-TCP intruder tried to join and got no answer");

        String self = "pekko://meshplane@127.0.0.1:" + memberPorts.remoting();
        assertEquals(Set.of(self), matches(NODE, member.get("/cluster/members", member.managementPort)),
            "nobody else in the membership, in any state");
        for (NodeProcess intruder : new NodeProcess[] {withAnotherCa, withoutTls}) {
          assertTrue(intruder.isAlive(), intruder.logTail());
          URI ready = URI.create("http://127.0.0.1:" + intruder.managementPort + "/ready");
          assertEquals(500, NodeProcess.httpStatus(ready), "never Up");
          assertEquals(0, entities(intruder), "hosts no session");
        }
        assertEquals(2, entities(member), "the member hosts both sessions");
        client.send(message("alice", "bob", "still a cluster of one"));
        assertEquals("still a cluster of one", bob.next(WAIT).getBody().toStringUtf8());
      }
    }
  }

  @Test
  void anEmbeddedNodeWithoutTlsOrATrustedNetworkExitsTwoNamingBoth() throws Exception {
    Map<String, String> env = embedded("127.0.0.1:" + NodeProcess.freePort());
    env.put("MESHPLANE_REMOTING_TLS_DIR", "");
    try (NodeProcess node = NodeProcess.start("embedded-without-tls", env)) {
      assertEquals(2, node.awaitExit(Duration.ofSeconds(60)), node.logTail());
      String log = node.logTail();
      assertTrue(log.contains("meshplane: invalid setting meshplane.remoting.tls.dir = '' (from env"
          + " MESHPLANE_REMOTING_TLS_DIR)"), log);
      assertTrue(log.contains("MESHPLANE_CLUSTER_TRUSTED_NETWORK=true"), log);
    }
  }

  @Test
  void aLoneNodesRemotingListensOnLoopbackOnly() throws Exception {
    String host = LoopbackCluster.ADDRESSES.get(1);
    NodeProcess.Ports ports = NodeProcess.Ports.free();
    Map<String, String> env = new HashMap<>();
    env.put("MESHPLANE_HOST", host);
    env.put("MESHPLANE_BIND_HOST", host);
    env.put("MESHPLANE_ROLES", "signal");
    // A lone node needs no certificates: nothing but this machine can reach its remoting.
    env.put("MESHPLANE_REMOTING_TLS_DIR", "");
    try (NodeProcess node = NodeProcess.start("lone-node", ports, env)) {
      URI ready = URI.create("http://" + host + ":" + ports.management() + "/ready");
      Await.until(READY, "the lone node answers /ready on " + host, () -> {
        assertTrue(node.isAlive(), node.logTail());
        return NodeProcess.httpStatus(ready) == 200;
      });
      String members = get(URI.create("http://" + host + ":" + ports.management() + "/cluster/members"));
      assertEquals(Set.of("pekko://meshplane@127.0.0.1:" + ports.remoting()), matches(SELF, members));
      try (Socket loopback = new Socket()) {
        loopback.connect(new InetSocketAddress("127.0.0.1", ports.remoting()), 2_000);
      }
      assertThrows(ConnectException.class, () -> {
        try (Socket elsewhere = new Socket()) {
          elsewhere.connect(new InetSocketAddress(host, ports.remoting()), 2_000);
        }
      }, "remoting is not bound to the node's host " + host + ", nor to every interface");
    }
  }

  /** An embedded signal node that finds its cluster through {@code contactPoint} alone. */
  private static Map<String, String> embedded(String contactPoint) {
    Map<String, String> env = new HashMap<>();
    env.put("MESHPLANE_CLUSTER_MODE", "embedded");
    env.put("MESHPLANE_DISCOVERY", "config");
    env.put("MESHPLANE_CLUSTER_PEERS", contactPoint);
    env.put("MESHPLANE_CLUSTER_REQUIRED_CONTACT_POINTS", "1");
    env.put("MESHPLANE_ROLES", "signal");
    return env;
  }

  /** Sessions in the node's own PeerSession shard region (Pekko Management's shard route). */
  private static int entities(NodeProcess node) throws Exception {
    String stats = node.get("/cluster/shards/PeerSession", node.managementPort);
    Matcher matcher = ENTITIES.matcher(stats);
    int total = 0;
    while (matcher.find()) {
      total += Integer.parseInt(matcher.group(1));
    }
    return total;
  }

  private static Set<String> matches(Pattern pattern, String json) {
    Set<String> found = new TreeSet<>();
    Matcher matcher = pattern.matcher(json);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  private static void awaitInLog(NodeProcess node, String text, String what) {
    try {
      Await.until(JOIN_ATTEMPT, what, () -> log(node).contains(text));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + node.logTail(), e);
    }
  }

  /** The node's whole log: the line looked for may have scrolled out of the tail. */
  private static String log(NodeProcess node) {
    try {
      return Files.readString(node.log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String get(URI uri) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), "GET " + uri);
    return response.body();
  }
}
