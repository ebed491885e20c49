package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.CHALLENGE;
import static dev.meshplane.relay.fabric.RawFabric.DIALER;
import static dev.meshplane.relay.fabric.RawFabric.PING;
import static dev.meshplane.relay.fabric.RawFabric.PROOF;
import static dev.meshplane.relay.fabric.RawFabric.accept;
import static dev.meshplane.relay.fabric.RawFabric.address;
import static dev.meshplane.relay.fabric.RawFabric.assertClosedByNode;
import static dev.meshplane.relay.fabric.RawFabric.concat;
import static dev.meshplane.relay.fabric.RawFabric.frame;
import static dev.meshplane.relay.fabric.RawFabric.listen;
import static dev.meshplane.relay.fabric.RawFabric.readAnyFrame;
import static dev.meshplane.relay.fabric.RawFabric.readPayloadOf;
import static dev.meshplane.relay.fabric.RawFabric.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.TestActorSystem;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack on the fabric, replayed on loopback: a rogue member that nodes dial (it is listed as
 * one) collects their signed HELLOs and uses them. Two real nodes, the rogue a plain socket
 * speaking the wire by hand ({@link RawFabric}).
 */
class FabricRogueListenerTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String SECRET = "s3cret";
  private static final PeerId VICTIM = PeerId.fromPublicKey("peer-on-b");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration MESH_WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-rogue-listener-test");


  /** One node and what it sees. */
  private record Node(RelayFabric fabric, PrometheusRegistry registry, FakeLocalPeers peers) {
    double counter(String name, String label, String value) {
      return MetricValues.counter(registry, name, label, value);
    }
  }

  @Test
  void aCapturedHelloSentBackToTheNodeThatSignedItIsRefused() throws Exception {
    Node a = start(Map.of());
    ServerSocket rogue = rogue();
    a.fabric().setMembers("static", Set.of(address(rogue)));
    byte[] captured;
    try (Socket dialed = accept(rogue, WAIT)) {
      captured = readAnyFrame(dialed);
    }

    try (Socket back = new Socket("127.0.0.1", a.fabric().boundPort())) {
      back.setSoTimeout((int) WAIT.toMillis());
      // In one write, so the FWD is on its way before the node can refuse the HELLO.
      write(back, concat(captured, frame(0x14, concat(VICTIM.toBytes(), transport("injected")))));
      RawFabric.assertClosedWithoutReply(back);
    }
    Await.until(WAIT, "counted own_address on the node that signed it",
        () -> a.counter("relay_cluster_hello_rejects", "reason", "own_address") == 1);
  }

  /**
   * The rogue replays node A's HELLO to node B and, to pass B's challenge, hands the challenge to
   * A on the stream A dialed. A answers, but its proof names the rogue as the node it proves itself
   * to, so B refuses it; nothing the rogue sent reaches B's peer.
   */
  @Test
  void aRogueListenerCannotPassAnotherNodesProofOff() throws Exception {
    Node a = start(Map.of("openzro-pods", "off"));
    Node b = start(Map.of("openzro-pods", "off"));
    ServerSocket rogue = rogue();
    a.fabric().setMembers("static", Set.of(address(rogue)));

    try (Socket fromA = accept(rogue, WAIT); Socket toB = new Socket("127.0.0.1", b.fabric().boundPort())) {
      toB.setSoTimeout((int) WAIT.toMillis());
      byte[] helloOfA = readAnyFrame(fromA);
      write(toB, helloOfA);
      write(toB, frame(PING, new byte[0]));
      byte[] challengeOfB = readPayloadOf(toB, CHALLENGE);

      // Posing as a meshplane node to A, the rogue asks A to answer B's challenge.
      write(fromA, frame(PING, new byte[0]));
      write(fromA, frame(CHALLENGE, challengeOfB));
      byte[] proofOfA = readPayloadOf(fromA, PROOF);
      // A did prove itself, with the right secret, over B's nonce; but to the rogue it dialed.
      assertArrayEquals(RawFabric.proof(SECRET.getBytes(StandardCharsets.UTF_8), DIALER,
          a.fabric().announceAddress(), address(rogue), challengeOfB), frame(PROOF, proofOfA));

      write(toB, frame(0x14, concat(VICTIM.toBytes(), transport("injected"))));
      write(toB, frame(PROOF, proofOfA));
      assertClosedByNode(toB);
    }
    Await.until(WAIT, "B counted the proof as a mismatch",
        () -> b.counter("meshplane_relay_cluster_stream_proofs", "result", "mismatch") == 1);
    Await.until(WAIT, "B dropped the FWD it held",
        () -> b.counter("meshplane_relay_cluster_frames_dropped", "reason", "unproven") == 1);
    assertNull(b.peers().delivered.poll(Await.QUIET.toMillis(), TimeUnit.MILLISECONDS), "nothing reached B's peer");
    assertEquals(0, MetricValues.gauge(b.registry(), "relay_cluster_streams"));
  }

  @Test
  void nodesThatHoldTheSecretProveItToEachOtherAndForward() throws Exception {
    Node a = start(Map.of("openzro-pods", "off"), new FakeLocalPeers());
    Node b = start(Map.of("openzro-pods", "off"));
    a.fabric().setMembers("static", Set.of(b.fabric().announceAddress()));
    b.fabric().setMembers("static", Set.of(a.fabric().announceAddress()));
    for (Node node : List.of(a, b)) {
      Await.until(MESH_WAIT, node.fabric().announceAddress() + " has one proven stream",
          () -> node.fabric().stats().meshplaneStreams() == 1 && node.fabric().stats().streams().size() == 1);
    }

    // Both dialed at once, so one of the two connections may still be replaced by the other: a
    // packet on the losing one is lost, as any packet on a stream that closes. Keep sending.
    FakeLocalPeers.Delivery delivery = null;
    long end = System.nanoTime() + WAIT.toNanos();
    while (delivery == null && System.nanoTime() - end < 0) {
      a.fabric().forward(VICTIM, ByteString.fromArray(transport("from a")));
      delivery = b.peers().delivered.poll(200, TimeUnit.MILLISECONDS);
    }
    assertNotNull(delivery, "not forwarded from A to B");
    assertArrayEquals(transport("from a"), delivery.message());
    assertEquals(0, a.counter("meshplane_relay_cluster_stream_proofs", "result", "mismatch")
        + b.counter("meshplane_relay_cluster_stream_proofs", "result", "mismatch"));
  }

  // ------------------------------------------------------------ helpers

  /** A node whose one local peer is the victim. */
  private Node start(Map<String, Object> overrides) throws Exception {
    return start(overrides, new FakeLocalPeers(VICTIM));
  }

  private Node start(Map<String, Object> overrides, FakeLocalPeers peers) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    RelayFabric fabric = system.startFabric(FabricTestSettings.loopback(SECRET, overrides), "127.0.0.1", peers,
        registry, Clock.systemUTC());
    return new Node(fabric, registry, peers);
  }

  private static ServerSocket rogue() throws IOException {
    return system.closeAfterTest(listen());
  }

  /** A Transport message (01 03, source slot, payload) for the victim's node to deliver. */
  private static byte[] transport(String payload) {
    return RawFabric.transport(PeerId.fromPublicKey("forged-source").toBytes(), payload);
  }
}
