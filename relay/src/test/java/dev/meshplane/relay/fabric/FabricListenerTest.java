package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.PING;
import static dev.meshplane.relay.fabric.RawFabric.assertClosedWithoutReply;
import static dev.meshplane.relay.fabric.RawFabric.concat;
import static dev.meshplane.relay.fabric.RawFabric.frame;
import static dev.meshplane.relay.fabric.RawFabric.hello;
import static dev.meshplane.relay.fabric.RawFabric.readAnyFrame;
import static dev.meshplane.relay.fabric.RawFabric.readFrame;
import static dev.meshplane.relay.fabric.RawFabric.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.TestActorSystem;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drives the listener as a foreign node would: a plain socket writing frames built byte by byte
 * after openzro's frame.go and messages.go (type, uint16 BE length, payload; HELLO v2 signed with
 * javax.crypto.Mac), without the project's fabric codec, so codec and listener cannot share a
 * misreading of the wire.
 */
class FabricListenerTest {

  private static final HexFormat HEX = HexFormat.of();

  /** HELLO inputs, and the frames openzro's EncodeHello makes of them, signed and unsigned. */
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String ADDRESS = "10.0.0.1:7090";
  private static final long TIMESTAMP = 1_700_000_000L;
  private static final String HELLO_B1 = "000038020d31302e302e302e313a37303930000000006553f100209dd26cff1ee63ca2a"
      + "356da6466492383d37befed51332662bf6f80f350fafd5a";
  private static final String HELLO_B2 = "000018020d31302e302e302e313a37303930000000006553f10000";

  /** peer-a and peer-b, as openzro's HashID derives them; WHO_HAS(peer-a) and a FWD to peer-a. */
  private static final byte[] PID_A = HEX.parseHex("7368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe");
  private static final byte[] PID_B = HEX.parseHex("7368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a");
  private static final String WHO_HAS_A = "0100247368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe";
  private static final String FWD_C2 = "14004f7368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe"
      + "01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a68656c6c6f";
  private static final String FWD_C2_MESSAGE =
      "01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a68656c6c6f";

  private static final int PONG = 0x21;
  private static final int I_HAVE = 0x02;
  private static final Duration HELLO_TIMEOUT = Duration.ofMillis(400);
  private static final Duration WAIT = Duration.ofSeconds(5);

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-listener-test");

  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(TIMESTAMP), ZoneOffset.UTC);
  private final FakeLocalPeers peers = new FakeLocalPeers(PeerId.fromBytes(PID_A));
  private PrometheusRegistry registry;
  private RelayFabric listener;

  // ------------------------------------------------------------ accepted streams

  @Test
  void handBuiltHelloMatchesTheSpecVectors() {
    assertEquals(HELLO_B1, HEX.formatHex(hello(ADDRESS, TIMESTAMP, SECRET)));
    assertEquals(HELLO_B2, HEX.formatHex(hello(ADDRESS, TIMESTAMP, new byte[0])));
  }

  @Test
  void signedHelloIsAcceptedAndPingIsAnsweredWithPong() throws Exception {
    start(SECRET);
    try (Socket socket = connect()) {
      write(socket, HEX.parseHex(HELLO_B1));
      write(socket, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(socket.getInputStream()));
    }
    assertEquals(0, totalRejects());
  }

  @Test
  void acceptedStreamIsProbedWithOnePing() throws Exception {
    start(SECRET);
    try (Socket socket = connect()) {
      write(socket, HEX.parseHex(HELLO_B1));
      assertArrayEquals(frame(PING, new byte[0]), readAnyFrame(socket.getInputStream()));
    }
  }

  @Test
  void unsignedHelloIsAcceptedWithoutSecret() throws Exception {
    start(new byte[0]);
    try (Socket socket = connect()) {
      write(socket, HEX.parseHex(HELLO_B2));
      write(socket, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(socket.getInputStream()));
    }
  }

  @Test
  void whoHasForLocalPeerIsAnsweredWithIHaveAndIncreasingSeqno() throws Exception {
    start(SECRET);
    try (Socket socket = helloed()) {
      write(socket, HEX.parseHex(WHO_HAS_A));
      assertArrayEquals(frame(I_HAVE, concat(PID_A, HEX.parseHex("00000001"))), readFrame(socket.getInputStream()));
      write(socket, HEX.parseHex(WHO_HAS_A));
      assertArrayEquals(frame(I_HAVE, concat(PID_A, HEX.parseHex("00000002"))), readFrame(socket.getInputStream()));
    }
  }

  @Test
  void whoHasForAbsentPeerGetsNoAnswer() throws Exception {
    start(SECRET);
    try (Socket socket = helloed()) {
      // The node's probe comes first; a pod that never answers it is treated as openzro: no NOT_HERE.
      assertArrayEquals(frame(PING, new byte[0]), readAnyFrame(socket.getInputStream()));
      write(socket, frame(0x01, PID_B));
      socket.setSoTimeout((int) Await.QUIET.toMillis());
      assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
      // Frames are handled in order: had WHO_HAS produced anything, it would come before this PONG.
      socket.setSoTimeout((int) WAIT.toMillis());
      write(socket, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(socket.getInputStream()));
    }
  }

  @Test
  void fwdForLocalPeerDeliversTheEmbeddedMessageUnchanged() throws Exception {
    start(SECRET);
    try (Socket socket = helloed()) {
      write(socket, HEX.parseHex(FWD_C2));
      FakeLocalPeers.Delivery delivery = peers.delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(delivery != null, "FWD was not delivered");
      assertEquals(PeerId.fromBytes(PID_A), delivery.destination());
      assertEquals(FWD_C2_MESSAGE, HEX.formatHex(delivery.message()));
    }
    awaitMetric("meshplane_relay_cluster_forwards_received", "result", "delivered", 1);
  }

  @Test
  void fwdForAbsentPeerIsDroppedAndStreamStaysOpen() throws Exception {
    start(SECRET);
    try (Socket socket = helloed()) {
      // A well-formed Transport message (01 03, source slot, payload) for peer-b, who is not here.
      byte[] transport = concat(HEX.parseHex("0103"), concat(PID_A, "hello".getBytes(StandardCharsets.US_ASCII)));
      write(socket, frame(0x14, concat(PID_B, transport)));
      write(socket, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(socket.getInputStream()));
    }
    assertTrue(peers.delivered.isEmpty());
    awaitMetric("meshplane_relay_cluster_forwards_received", "result", "dropped", 1);
  }

  @Test
  void unknownTypeAndMalformedPayloadAreSkippedNotFatal() throws Exception {
    start(SECRET);
    try (Socket socket = helloed()) {
      write(socket, frame(0x7f, new byte[] {1, 2, 3}));
      write(socket, frame(0x01, new byte[] {1, 2, 3}));
      write(socket, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(socket.getInputStream()));
    }
    awaitMetric("meshplane_relay_cluster_frames_dropped", "reason", "ignored", 1);
    awaitMetric("meshplane_relay_cluster_frames_dropped", "reason", "malformed", 1);
  }

  @Test
  void channelTypesOpenzroNeverSendsAreSkippedNotFatal() throws Exception {
    start(SECRET);
    try (Socket socket = helloed()) {
      // OPEN, OPEN_ACK, DATA and CLOSE in openzro's layouts (relay/server/cluster/messages.go).
      write(socket, frame(0x10, concat(concat(PID_A, PID_B), HEX.parseHex("00000001"))));
      write(socket, frame(0x11, HEX.parseHex("0000000101")));
      write(socket, frame(0x12, HEX.parseHex("00000001abcd")));
      write(socket, frame(0x13, HEX.parseHex("00000001")));
      write(socket, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(socket.getInputStream()));
    }
    awaitMetric("meshplane_relay_cluster_frames_dropped", "reason", "ignored", 4);
    assertEquals(0, counter("meshplane_relay_cluster_frames_dropped", "reason", "malformed"));
  }

  // ------------------------------------------------------------ rejected HELLOs

  @Test
  void wrongSecretIsRejectedAsHmacMismatch() throws Exception {
    start(SECRET);
    byte[] other = "another-secret-of-some-length-xx".getBytes(StandardCharsets.US_ASCII);
    assertRejected(hello(ADDRESS, TIMESTAMP, other), "hmac_mismatch");
  }

  @Test
  void unsignedHelloIsRejectedWhenSecretConfigured() throws Exception {
    start(SECRET);
    assertRejected(HEX.parseHex(HELLO_B2), "unsigned_but_required");
  }

  @Test
  void signedHelloIsRejectedWithoutSecret() throws Exception {
    start(new byte[0]);
    assertRejected(HEX.parseHex(HELLO_B1), "signed_but_unsupported");
  }

  @Test
  void staleTimestampIsRejected() throws Exception {
    start(SECRET);
    assertRejected(hello(ADDRESS, TIMESTAMP - 301, SECRET), "stale_timestamp");
  }

  @Test
  void timestampAtTheEdgeOfTheWindowIsAccepted() throws Exception {
    start(SECRET);
    try (Socket socket = connect()) {
      write(socket, hello(ADDRESS, TIMESTAMP + 300, SECRET));
      write(socket, frame(PING, new byte[0]));
      assertArrayEquals(frame(PONG, new byte[0]), readFrame(socket.getInputStream()));
    }
  }

  @Test
  void nonHelloFirstFrameIsRejected() throws Exception {
    start(SECRET);
    assertRejected(frame(PING, new byte[0]), "first_frame_not_hello");
  }

  @Test
  void silencePastTheHelloTimeoutIsRejected() throws Exception {
    start(SECRET);
    try (Socket socket = connect()) {
      assertClosedWithoutReply(socket);
    }
    awaitMetric("relay_cluster_hello_rejects", "reason", "timeout", 1);
  }

  @Test
  void truncatedHelloIsRejectedAsTimeout() throws Exception {
    start(SECRET);
    try (Socket socket = connect()) {
      byte[] hello = HEX.parseHex(HELLO_B1);
      write(socket, java.util.Arrays.copyOf(hello, 20));
      socket.shutdownOutput();
      assertClosedWithoutReply(socket);
    }
    awaitMetric("relay_cluster_hello_rejects", "reason", "timeout", 1);
  }

  // ------------------------------------------------------------ helpers

  private void start(byte[] secret) throws Exception {
    registry = new PrometheusRegistry();
    FabricSettings settings = FabricTestSettings.loopback(new String(secret, StandardCharsets.UTF_8),
        Map.of("hello-timeout", HELLO_TIMEOUT.toMillis() + "ms"));
    listener = system.startFabric(settings, "127.0.0.1", peers, registry, clock);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", listener.boundPort());
    socket.setSoTimeout((int) WAIT.toMillis());
    return socket;
  }

  private Socket helloed() throws IOException {
    Socket socket = connect();
    write(socket, HEX.parseHex(HELLO_B1));
    return socket;
  }

  private void assertRejected(byte[] firstFrame, String reason) throws Exception {
    try (Socket socket = connect()) {
      write(socket, firstFrame);
      assertClosedWithoutReply(socket);
    }
    awaitMetric("relay_cluster_hello_rejects", "reason", reason, 1);
    assertEquals(1, totalRejects(), "exactly one reject counted");
  }

  private double totalRejects() {
    double total = 0;
    for (String label : new String[] {"hmac_mismatch", "unsigned_but_required", "signed_but_unsupported",
        "stale_timestamp", "malformed", "timeout", "first_frame_not_hello"}) {
      total += counter("relay_cluster_hello_rejects", "reason", label);
    }
    return total;
  }

  private double counter(String name, String label, String value) {
    return MetricValues.counter(registry, name, label, value);
  }

  /** The counter moves on the stream's termination callback, shortly after the socket sees the close. */
  private void awaitMetric(String name, String label, String value, double expected) {
    Await.until(WAIT, name + "{" + label + "=" + value + "} = " + expected,
        () -> counter(name, label, value) == expected);
  }
}
