package dev.meshplane.multijvm;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.relay.testkit.RelayTestPeer;
import io.grpc.Status;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./meshplane run} as an operator runs it: ready, observable, serving, stoppable. */
class NodeProcessIT {

  private static final String RELAY_SECRET = "process-test-secret";

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void runStartsANodeThatServesSignalAndStopsCleanlyOnSigterm() throws Exception {
    try (NodeProcess node = NodeProcess.start("single", Map.of(
        "MESHPLANE_RELAY_AUTH_SECRET", RELAY_SECRET,
        "MESHPLANE_RELAY_EXPOSED_ADDRESS", "rel://relay.test:443"))) {
      Duration ready = node.awaitReady(Duration.ofSeconds(60));
      System.out.println("meshplane run: /ready answered 200 after " + ready.toMillis() + " ms");
      assertEquals("rel://relay.test:443", relayAuthResponse(node.relayPort),
          "the relay role answers Auth with the instance address");

      try (SignalTestClient client = new SignalTestClient("127.0.0.1", node.signalPort);
          PeerStream alice = client.connect("alice-key");
          PeerStream bob = client.connect("bob-key")) {
        assertEquals("1", alice.awaitRegistered(WAIT));
        assertEquals("1", bob.awaitRegistered(WAIT));
        client.send(message("alice-key", "bob-key", "offer"));
        bob.write(message("bob-key", "alice-key", "answer"));
        assertEquals("offer", bob.next(WAIT).getBody().toStringUtf8());
        assertEquals("answer", alice.next(WAIT).getBody().toStringUtf8());

        String metrics = node.get("/metrics", node.metricsPort);
        assertTrue(metrics.contains("active_peers 2.0"), "two attached peers in:\n" + metrics);
        assertTrue(metrics.contains("messages_forwarded_total 2.0"), "two forwards in:\n" + metrics);

        int exit = node.terminate(Duration.ofSeconds(30));
        assertEquals(Status.Code.UNAVAILABLE, alice.awaitClose(WAIT).getCode(), node.logTail());
        assertEquals(Status.Code.UNAVAILABLE, bob.awaitClose(WAIT).getCode());
        // A JVM stopped by SIGTERM exits 143 after its shutdown hooks, one of which is Pekko's
        // coordinated shutdown: the node left the cluster before the process ended.
        assertEquals(143, exit, "exit code after SIGTERM\n" + node.logTail());
        assertTrue(node.logTail().contains("Exiting completed"), "left the cluster:\n" + node.logTail());
      }
    }
  }

  /** Authenticates one relay peer over the JDK's WebSocket client; returns the instance URL. */
  private static String relayAuthResponse(int port) throws Exception {
    try (RelayTestPeer peer = RelayTestPeer.authenticated(
        URI.create("ws://127.0.0.1:" + port + "/relay"), "relay-peer-key", RELAY_SECRET)) {
      return peer.instanceUrl();
    }
  }

  @Test
  void invalidSettingStopsStartupWithOneClearLine() throws Exception {
    try (NodeProcess node = NodeProcess.start("invalid", Map.of("MESHPLANE_CLUSTER_MODE", "sideways"))) {
      int exit = node.awaitExit(Duration.ofSeconds(60));
      assertEquals(2, exit, node.logTail());
      assertTrue(node.logTail().contains(
          "meshplane: invalid setting meshplane.cluster.mode = 'sideways' (from env MESHPLANE_CLUSTER_MODE); "
              + "accepted: disabled, embedded, external"), node.logTail());
    }
  }
}
