package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.ACCEPTOR;
import static dev.meshplane.relay.fabric.RawFabric.CHALLENGE;
import static dev.meshplane.relay.fabric.RawFabric.DIALER;
import static dev.meshplane.relay.fabric.RawFabric.PING;
import static dev.meshplane.relay.fabric.RawFabric.PONG;
import static dev.meshplane.relay.fabric.RawFabric.PROOF;
import static dev.meshplane.relay.fabric.RawFabric.assertClosedByNode;
import static dev.meshplane.relay.fabric.RawFabric.concat;
import static dev.meshplane.relay.fabric.RawFabric.frame;
import static dev.meshplane.relay.fabric.RawFabric.hello;
import static dev.meshplane.relay.fabric.RawFabric.readAnyFrame;
import static dev.meshplane.relay.fabric.RawFabric.readFrame;
import static dev.meshplane.relay.fabric.RawFabric.readPayloadOf;
import static dev.meshplane.relay.fabric.RawFabric.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.TestActorSystem;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How far a node trusts a stream, driven by a plain socket that plays a meshplane node (PING
 * first, then CHALLENGE and PROOF built by hand, {@link RawFabric#proof}) or an openzro pod
 * (anything else first). A meshplane remote is trusted with nothing but the handshake until its
 * PROOF checks out; an openzro pod is trusted on its HELLO where openzro pods are allowed, and
 * refused where they are not.
 */
class FabricStreamProofTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long TIMESTAMP = 1_700_000_000L;
  private static final String REMOTE = "10.0.0.1:7090";
  private static final PeerId HERE = PeerId.fromPublicKey("peer-here");
  private static final PeerId ELSEWHERE = PeerId.fromPublicKey("peer-elsewhere");
  private static final byte[] NONCE = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final Duration HANDSHAKE = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(5);

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-stream-proof-test");

  private final FakeLocalPeers peers = new FakeLocalPeers(HERE);
  private PrometheusRegistry registry;
  private RelayFabric node;

  // ------------------------------------------------------------ a meshplane remote

  @Test
  void whatAMeshplaneRemoteSendsCountsOnlyOnceItsProofChecksOut() throws Exception {
    start(Map.of());
    try (Socket remote = meshplaneRemote()) {
      byte[] nonce = readPayloadOf(remote, CHALLENGE);
      write(remote, fwd(HERE, "sent before the proof"));
      assertNull(peers.delivered.poll(Await.QUIET.toMillis(), TimeUnit.MILLISECONDS), "delivered before the proof");

      write(remote, RawFabric.proof(SECRET, DIALER, REMOTE, node.announceAddress(), nonce));

      FakeLocalPeers.Delivery delivery = peers.delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(delivery, "held FWD not delivered after the proof");
      assertArrayEquals(transport("sent before the proof"), delivery.message());
    }
    assertEquals(1, proofs("ok"));
    assertEquals(0, dropped("unproven"));
  }

  @Test
  void theNodeProvesItselfForTheStreamAsTheAcceptingEnd() throws Exception {
    start(Map.of());
    try (Socket remote = meshplaneRemote()) {
      write(remote, frame(CHALLENGE, NONCE));
      byte[] proof = readPayloadOf(remote, PROOF);
      assertEquals(HEX.formatHex(RawFabric.proof(SECRET, ACCEPTOR, node.announceAddress(), REMOTE, NONCE)),
          HEX.formatHex(frame(PROOF, proof)));
    }
  }

  @Test
  void aWrongProofClosesTheStreamAndNothingItSentIsDelivered() throws Exception {
    start(Map.of());
    try (Socket remote = meshplaneRemote()) {
      byte[] nonce = readPayloadOf(remote, CHALLENGE);
      write(remote, fwd(HERE, "forged"));
      byte[] otherSecret = "not-the-fabric-secret".getBytes(StandardCharsets.US_ASCII);
      write(remote, RawFabric.proof(otherSecret, DIALER, REMOTE, node.announceAddress(), nonce));
      assertClosedByNode(remote);
    }
    Await.until(WAIT, "proof counted mismatch", () -> proofs("mismatch") == 1);
    Await.until(WAIT, "the held FWD counted unproven", () -> dropped("unproven") == 1);
    assertNull(peers.delivered.poll(), "nothing delivered");
    assertEquals(0, streams());
  }

  @Test
  void aProofForAnotherStreamIsRefused() throws Exception {
    start(Map.of());
    try (Socket remote = meshplaneRemote()) {
      byte[] nonce = readPayloadOf(remote, CHALLENGE);
      // Right secret and nonce, but the acceptor's role: a proof made on some other stream.
      write(remote, RawFabric.proof(SECRET, ACCEPTOR, REMOTE, node.announceAddress(), nonce));
      assertClosedByNode(remote);
    }
    Await.until(WAIT, "proof counted mismatch", () -> proofs("mismatch") == 1);
  }

  @Test
  void aMeshplaneRemoteThatNeverProvesIsClosedAtTheHandshakeDeadline() throws Exception {
    start(Map.of());
    try (Socket remote = meshplaneRemote()) {
      readPayloadOf(remote, CHALLENGE);
      write(remote, fwd(HERE, "never proven"));
      write(remote, frame(0xE1, HERE.toBytes())); // PEER_LEFT
      assertClosedByNode(remote);
    }
    Await.until(WAIT, "proof counted timeout", () -> proofs("timeout") == 1);
    Await.until(WAIT, "both held frames counted unproven", () -> dropped("unproven") == 2);
    assertNull(peers.delivered.poll(), "nothing delivered");
  }

  // ------------------------------------------------------------ an openzro pod, allowed

  @Test
  void anOpenzroPodIsTrustedOnItsHelloButNeverWithExtensionsAndGetsNoChallenge() throws Exception {
    start(Map.of());
    try (Socket pod = openzroPod()) {
      // Its I_HAVE counts (openzro's trust), so the node now routes ELSEWHERE to it...
      write(pod, frame(0x02, concat(ELSEWHERE.toBytes(), HEX.parseHex("00000001"))));
      // ...and a NOT_HERE from it does not: an openzro pod never sends one, a forger might.
      write(pod, frame(0xE0, ELSEWHERE.toBytes()));
      write(pod, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(pod));
      pod.setSoTimeout((int) Await.QUIET.toMillis());
      assertThrows(SocketTimeoutException.class, () -> readAnyFrame(pod), "nothing after the PONG: no CHALLENGE");
      pod.setSoTimeout((int) WAIT.toMillis());

      node.forward(ELSEWHERE, ByteString.fromArray(transport("routed by the I_HAVE")));
      assertArrayEquals(fwd(ELSEWHERE, "routed by the I_HAVE"), readFrame(pod),
          "FWD, not WHO_HAS: the cache entry survived the NOT_HERE");
    }
    assertEquals(1, dropped("unproven"));
  }

  // ------------------------------------------------------------ openzro pods not allowed

  @Test
  void whereOpenzroPodsAreNotAllowedAPodIsRefusedOnItsFirstFrame() throws Exception {
    start(Map.of("openzro-pods", "off"));
    try (Socket pod = openzroPod()) {
      write(pod, frame(0x01, HERE.toBytes())); // WHO_HAS for a peer that is here
      assertClosedByNode(pod);
    }
    Await.until(WAIT, "counted refused", () -> proofs("refused") == 1);
    assertEquals(1, dropped("unproven"), "the WHO_HAS was not answered");
    assertEquals(0, streams());
  }

  @Test
  void whereOpenzroPodsAreNotAllowedAStreamJoinsOnlyOnceProven() throws Exception {
    start(Map.of("openzro-pods", "off"));
    try (Socket remote = meshplaneRemote()) {
      byte[] nonce = readPayloadOf(remote, CHALLENGE);
      assertEquals(0, streams(), "not a stream before its proof");
      assertEquals(0, node.stats().streams().size());

      write(remote, RawFabric.proof(SECRET, DIALER, REMOTE, node.announceAddress(), nonce));
      Await.until(WAIT, "registered once proven", () -> streams() == 1);
      assertEquals(1, node.stats().meshplaneStreams());
    }
  }

  @Test
  void whereOpenzroPodsAreNotAllowedASilentRemoteIsClosedAtTheDeadline() throws Exception {
    start(Map.of("openzro-pods", "off"));
    try (Socket silent = openzroPod()) {
      assertClosedByNode(silent);
    }
    Await.until(WAIT, "counted timeout", () -> proofs("timeout") == 1);
    assertEquals(0, streams());
  }

  // ------------------------------------------------------------ helpers

  private void start(Map<String, Object> overrides) throws Exception {
    registry = new PrometheusRegistry();
    Map<String, Object> config = new HashMap<>(Map.of("hello-timeout", HANDSHAKE.toMillis() + "ms"));
    config.putAll(overrides);
    node = system.startFabric(FabricTestSettings.loopback(new String(SECRET, StandardCharsets.US_ASCII), config),
        "127.0.0.1", peers, registry, new ManualClock(Instant.ofEpochSecond(TIMESTAMP)));
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", node.boundPort());
    socket.setSoTimeout((int) WAIT.toMillis());
    return socket;
  }

  /** A remote that starts as a meshplane node does: HELLO, then PING. */
  private Socket meshplaneRemote() throws IOException {
    Socket socket = connect();
    write(socket, hello(REMOTE, TIMESTAMP, SECRET));
    write(socket, frame(PING, new byte[0]));
    return socket;
  }

  /** A remote that sends its HELLO and nothing of meshplane's. */
  private Socket openzroPod() throws IOException {
    Socket socket = connect();
    write(socket, hello(REMOTE, TIMESTAMP, SECRET));
    return socket;
  }

  private static byte[] fwd(PeerId destination, String payload) {
    return frame(0x14, concat(destination.toBytes(), transport(payload)));
  }

  /** A Transport message (01 03, source slot, payload) as another node forwards it. */
  private static byte[] transport(String payload) {
    return RawFabric.transport(ELSEWHERE.toBytes(), payload);
  }

  private double proofs(String result) {
    return MetricValues.counter(registry, "meshplane_relay_cluster_stream_proofs", "result", result);
  }

  private double dropped(String reason) {
    return MetricValues.counter(registry, "meshplane_relay_cluster_frames_dropped", "reason", reason);
  }

  private double streams() {
    return MetricValues.gauge(registry, "relay_cluster_streams");
  }
}
