package dev.meshplane.relay;

import static dev.meshplane.relay.RelayTestSupport.metric;
import static dev.meshplane.relay.RelayTestSupport.startServer;
import static dev.meshplane.relay.RelayTestSupport.validToken;
import static dev.meshplane.relay.fabric.RawFabric.assertClosedWithoutReply;
import static dev.meshplane.relay.fabric.RawFabric.concat;
import static dev.meshplane.relay.fabric.RawFabric.frame;
import static dev.meshplane.relay.fabric.RawFabric.hello;
import static dev.meshplane.relay.fabric.RawFabric.readAnyFrame;
import static dev.meshplane.relay.fabric.RawFabric.readFrame;
import static dev.meshplane.relay.fabric.RawFabric.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshplane.relay.fabric.FabricSettings;
import dev.meshplane.relay.fabric.FabricTestSettings;
import dev.meshplane.relay.fabric.RelayFabric;
import dev.meshplane.relay.testkit.RelayTestPeer;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real relay node (RelayServer + RelayFabric, wall clock) against a "foreign pod": a plain
 * {@link Socket} that speaks the fabric byte by byte through {@code RawFabric} (frames as openzro
 * relay/server/cluster/frame.go, HELLO v2 signed with javax.crypto.Mac as messages.go checks it,
 * WHO_HAS / I_HAVE as locator.go, FWD as forwarder.go) and behaves like an
 * openzro pod: it never answers the node's PING probe, so the node must treat it as openzro (no
 * NOT_HERE / PEER_LEFT, no keepalive) while still forwarding through it. The local peer is a JDK WebSocket client.
 *
 * <p>Complements {@code fabric.FabricListenerTest} (fixed clock, fake local peers): here the
 * whole data path runs, and the rejects are checked end to end, including that bytes following a
 * rejected HELLO never reach a peer.
 */
class ForeignPodRelayIntegrationTest {

  static final HexFormat HEX = HexFormat.of();
  static final String FABRIC_SECRET = "s3cret";
  static final String POD_ADDRESS = "10.20.30.40:7090";
  static final Duration WAIT = Duration.ofSeconds(10);

  /** Relay peer IDs of "peer-a" and "peer-b" (openzro relay/messages/id.go, HashID). */
  static final byte[] PID_A = HEX.parseHex("7368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe");
  static final byte[] PID_B = HEX.parseHex("7368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a");
  static final String WHO_HAS_A = "0100247368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe";
  /**
   * peer-b sent "hello" to peer-a; the node forwards it with the slot already holding PID_B
   * (openzro relay/server/peer.go, handleTransportMsg stamps the source before forwarding).
   */
  static final String FWD_C2 = "14004f7368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe"
      + "01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a68656c6c6f";

  static final int HELLO = 0x00;
  static final int WHO_HAS = 0x01;
  static final int I_HAVE = 0x02;
  static final int FWD = 0x14;
  static final int PING = 0x20;
  static final int PONG = 0x21;

  static final String[] REJECT_REASONS = {"hmac_mismatch", "unsigned_but_required", "signed_but_unsupported",
      "stale_timestamp", "malformed", "timeout", "first_frame_not_hello"};

  static final HttpClient http = HttpClient.newHttpClient();

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.forRelay("foreign-pod-test");

  PrometheusRegistry registry;
  RelayServer server;
  RelayFabric fabric;
  URI uri;

  // ------------------------------------------------------------ data path through a foreign pod

  @Test
  void podClaimingAPeerGetsWhoHasAndThenTheForwardedMessage() throws Exception {
    // The pod never answers PING, so the node waits for its answer; 30 s means only the I_HAVE
    // can end the lookup within the socket's 10 s read timeout.
    start("30s");
    RelayTestPeer b = join("peer-b");
    Socket pod = pod(hello(POD_ADDRESS, now(), FABRIC_SECRET.getBytes(StandardCharsets.UTF_8)));

    b.send(transport(PID_A, "hello"));
    assertEquals(WHO_HAS_A, HEX.formatHex(readFrame(pod)), "WHO_HAS(peer-a)");
    write(pod, frame(I_HAVE, concat(PID_A, HEX.parseHex("00000001"))));
    assertEquals(FWD_C2, HEX.formatHex(readFrame(pod)), "FWD(peer-a, message with slot = peer-b)");
    Await.until(WAIT, "forward counted ok", () -> forwards("ok") == 1);

    // Cached (openzro relay/server/cluster/locator.go, Lookup): the next packet goes out as FWD
    // with no new WHO_HAS.
    b.send(transport(PID_A, "again"));
    assertEquals(HEX.formatHex(frame(FWD, concat(PID_A, transport(PID_B, "again")))), HEX.formatHex(readFrame(pod)));
    Await.until(WAIT, "second forward counted ok", () -> forwards("ok") == 2);
    assertEquals(0, totalRejects());
  }

  @Test
  void fwdFromAPodIsDeliveredToTheLocalPeerByteForByte() throws Exception {
    start("200ms");
    RelayTestPeer b = join("peer-b");
    Socket pod = pod(hello(POD_ADDRESS, now(), FABRIC_SECRET.getBytes(StandardCharsets.UTF_8)));

    byte[] small = transport(PID_A, "from the pod");
    write(pod, frame(FWD, concat(PID_B, small)));
    assertArrayEquals(small, b.poll(WAIT), "the embedded relay message, unchanged");

    // Near the relay's largest transport (8820-byte messages): spans several TCP segments.
    byte[] payload = new byte[8000];
    new Random(42).nextBytes(payload);
    byte[] large = concat(HEX.parseHex("0103"), concat(PID_A, payload));
    write(pod, frame(FWD, concat(PID_B, large)));
    assertArrayEquals(large, b.poll(WAIT), "large embedded message, unchanged");
    Await.until(WAIT, "two FWDs delivered",
        () -> metric(registry, "meshplane_relay_cluster_forwards_received", "result", "delivered") == 2);
  }

  @Test
  void unsolicitedIHaveFillsTheCacheSoTheFirstPacketNeedsNoWhoHas() throws Exception {
    start("30s");
    RelayTestPeer b = join("peer-b");
    Socket pod = pod(hello(POD_ADDRESS, now(), FABRIC_SECRET.getBytes(StandardCharsets.UTF_8)));
    // An I_HAVE updates the cache even without a pending lookup (openzro
    // relay/server/cluster/locator.go, HandleIHave). Frames are handled in order, so the PONG
    // proves the I_HAVE was processed.
    write(pod, frame(I_HAVE, concat(PID_A, HEX.parseHex("00000007"))));
    write(pod, frame(PING, new byte[0]));
    assertArrayEquals(frame(PONG, new byte[0]), readFrame(pod));

    b.send(transport(PID_A, "cached"));
    assertEquals(HEX.formatHex(frame(FWD, concat(PID_A, transport(PID_B, "cached")))), HEX.formatHex(readFrame(pod)),
        "FWD straight away, no WHO_HAS");
  }

  @Test
  void silentPodEndsTheLookupAtTheTimeoutAndALateIHaveStillCounts() throws Exception {
    start("300ms");
    RelayTestPeer b = join("peer-b");
    Socket pod = pod(hello(POD_ADDRESS, now(), FABRIC_SECRET.getBytes(StandardCharsets.UTF_8)));

    b.send(transport(PID_A, "lost"));
    assertEquals(WHO_HAS_A, HEX.formatHex(readFrame(pod)));
    // An openzro pod without the peer stays silent (openzro relay/server/cluster/locator.go,
    // HandleWhoHas): the lookup must still end.
    Await.until(WAIT, "peer_not_found counted", () -> forwards("peer_not_found") == 1);
    assertEquals(0, forwards("ok"));

    // A late answer is cached anyway (HandleIHave), so the next packet is forwarded without asking.
    write(pod, frame(I_HAVE, concat(PID_A, HEX.parseHex("00000001"))));
    write(pod, frame(PING, new byte[0]));
    assertArrayEquals(frame(PONG, new byte[0]), readFrame(pod));
    b.send(transport(PID_A, "found"));
    assertEquals(HEX.formatHex(frame(FWD, concat(PID_A, transport(PID_B, "found")))), HEX.formatHex(readFrame(pod)));
  }

  @Test
  void podThatNeverAnsweredPingGetsNoMeshplaneExtensions() throws Exception {
    start("200ms");
    RelayTestPeer b = join("peer-b");
    Socket pod = pod(hello(POD_ADDRESS, now(), FABRIC_SECRET.getBytes(StandardCharsets.UTF_8)));
    // The node's one probe is the first thing on the stream.
    assertArrayEquals(frame(PING, new byte[0]), readAnyFrame(pod));

    b.close();
    Await.until(WAIT, "peer-b gone", () -> !server.localPeers().has(b.id()));
    // No PEER_LEFT for peer-b, and a FWD for the absent peer gets no NOT_HERE: the next frame on
    // the stream after these is the PONG, nothing before it and no further PING.
    write(pod, frame(FWD, concat(PID_B, transport(PID_A, "too late"))));
    write(pod, frame(PING, new byte[0]));
    assertEquals(HEX.formatHex(frame(PONG, new byte[0])), HEX.formatHex(readAnyFrame(pod)));
    Await.until(WAIT, "FWD for an absent peer counted dropped",
        () -> metric(registry, "meshplane_relay_cluster_forwards_received", "result", "dropped") == 1);
  }

  // ------------------------------------------------------------ streams

  @Test
  void secondConnectionAnnouncingTheSameAddressIsClosedAndTheFirstKeepsWorking() throws Exception {
    start("30s");
    RelayTestPeer b = join("peer-b");
    byte[] secret = FABRIC_SECRET.getBytes(StandardCharsets.UTF_8);
    Socket first = pod(hello(POD_ADDRESS, now(), secret));
    // A duplicate HELLO for an address with a live stream loses (openzro
    // relay/server/cluster/transport.go, handleAccepted); no reject is counted. A second later, so
    // that it is not the same HELLO again, which is refused as replayed.
    Socket second = connect();
    write(second, hello(POD_ADDRESS, now() + 1, secret));
    assertClosedWithoutReply(second);
    assertEquals(1, streams());
    assertEquals(0, totalRejects());

    write(first, frame(FWD, concat(PID_B, transport(PID_A, "still here"))));
    assertArrayEquals(transport(PID_A, "still here"), b.poll(WAIT));

    // Once the first is gone, the address can connect again, with a HELLO of its own.
    first.close();
    Await.until(WAIT, "stream removed", () -> streams() == 0);
    pod(hello(POD_ADDRESS, now() + 2, secret));
  }

  @Test
  void podEndingItsStreamGetsTheConnectionClosedAndTheStreamRemoved() throws Exception {
    start("200ms");
    Socket pod = pod(hello(POD_ADDRESS, now(), FABRIC_SECRET.getBytes(StandardCharsets.UTF_8)));
    pod.shutdownOutput();
    // The read loop ends, the stream leaves the map and the connection is closed, EOF here
    // (openzro relay/server/cluster/transport.go, readLoop and dropStream).
    InputStream in = pod.getInputStream();
    try {
      while (in.read() != -1) {
        // skip the PING probe
      }
    } catch (java.net.SocketTimeoutException e) {
      org.junit.jupiter.api.Assertions.fail("the node kept its side of an ended stream open (half-open connection)");
    }
    Await.until(WAIT, "stream removed", () -> streams() == 0);
  }

  // ------------------------------------------------------------ rejected HELLOs, end to end

  @Test
  void badFirstFramesAreClosedWithoutReplyCountedAndCannotInject() throws Exception {
    start("200ms");
    RelayTestPeer b = join("peer-b");
    byte[] secret = FABRIC_SECRET.getBytes(StandardCharsets.UTF_8);
    byte[] injected = frame(FWD, concat(PID_B, transport(PID_A, "injected")));

    rejectWith(concat(hello(POD_ADDRESS, now(), "not-the-secret".getBytes(StandardCharsets.UTF_8)), injected),
        "hmac_mismatch", 1);
    rejectWith(concat(hello(POD_ADDRESS, now(), new byte[0]), injected), "unsigned_but_required", 1);
    // A timestamp more than 5 min off the node's wall clock, either way, is checked before the MAC
    // (openzro relay/server/cluster/messages.go, DecodeHello).
    rejectWith(concat(hello(POD_ADDRESS, now() - 400, secret), injected), "stale_timestamp", 1);
    rejectWith(concat(hello(POD_ADDRESS, now() + 400, secret), injected), "stale_timestamp", 2);
    rejectWith(concat(hello(POD_ADDRESS, now() - 400, "forged".getBytes(StandardCharsets.UTF_8)), injected),
        "stale_timestamp", 3);
    // A FWD as the very first frame: the HELLO cannot be skipped.
    rejectWith(injected, "first_frame_not_hello", 1);

    assertEquals(6, totalRejects());
    assertEquals(0, streams(), "no stream registered");
    assertNull(b.poll(Await.QUIET), "nothing reached peer-b");
    assertEquals(0, metric(registry, "meshplane_relay_cluster_forwards_received", "result", "delivered"));
  }

  @Test
  void malformedHellosAreRejectedAsMalformed() throws Exception {
    start("200ms");
    byte[] secret = FABRIC_SECRET.getBytes(StandardCharsets.UTF_8);
    byte[] good = payloadOf(hello(POD_ADDRESS, now(), secret));
    int a = POD_ADDRESS.length();

    // Payload under 11 bytes.
    rejectWith(frame(HELLO, java.util.Arrays.copyOf(good, 10)), "malformed", 1);
    // Version 1.
    byte[] v1 = good.clone();
    v1[0] = 1;
    rejectWith(frame(HELLO, v1), "malformed", 2);
    // addr_len runs past the payload.
    byte[] longAddr = java.util.Arrays.copyOf(good, 2 + a + 8 + 1);
    longAddr[1] = (byte) 200;
    rejectWith(frame(HELLO, longAddr), "malformed", 3);
    // hmac_len 32 but the MAC is cut short.
    rejectWith(frame(HELLO, java.util.Arrays.copyOf(good, good.length - 1)), "malformed", 4);
    // A 16-byte MAC.
    byte[] shortMac = java.util.Arrays.copyOf(good, 11 + a + 16);
    shortMac[10 + a] = 16;
    rejectWith(frame(HELLO, shortMac), "malformed", 5);
    assertEquals(5, totalRejects());

    // Trailing bytes after the MAC are ignored, the HELLO is accepted (DecodeHello reads hmac_len bytes).
    pod(frame(HELLO, concat(good, new byte[] {1, 2, 3, 4})));
    assertEquals(5, totalRejects());
  }

  // ------------------------------------------------------------ node and pod helpers

  void start(String lookupTimeout) throws Exception {
    registry = new PrometheusRegistry();
    server = system.stopAfterTest(startServer(system.get(), Map.of(), registry));
    uri = RelayTestSupport.uri(server);
    FabricSettings settings = FabricTestSettings.loopback(FABRIC_SECRET, Map.of("lookup-timeout", lookupTimeout));
    fabric = system.startFabric(settings, "127.0.0.1", server.localPeers(), registry, Clock.systemUTC());
    server.useRemotePeers(fabric);
  }

  RelayTestPeer join(String publicKey) throws Exception {
    RelayTestPeer peer = system.closeAfterTest(RelayTestPeer.authenticated(http, uri, publicKey, validToken()));
    Await.until(WAIT, publicKey + " registered", () -> server.localPeers().has(peer.id()));
    return peer;
  }

  Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", fabric.boundPort());
    socket.setSoTimeout((int) WAIT.toMillis());
    return system.closeAfterTest(socket);
  }

  /** Connects, sends {@code hello} and waits until the node registered one more stream. */
  Socket pod(byte[] hello) throws IOException {
    double before = streams();
    Socket socket = connect();
    write(socket, hello);
    Await.until(WAIT, "pod stream registered", () -> streams() == before + 1);
    return socket;
  }

  void rejectWith(byte[] bytes, String reason, double expected) throws IOException {
    Socket socket = connect();
    write(socket, bytes);
    assertClosedWithoutReply(socket);
    Await.until(WAIT, "relay_cluster_hello_rejects_total{reason=" + reason + "} = " + expected,
        () -> metric(registry, "relay_cluster_hello_rejects", "reason", reason) == expected);
  }

  double forwards(String result) {
    return metric(registry, "relay_cluster_forwards", "result", result);
  }

  double streams() {
    return metric(registry, "relay_cluster_streams");
  }

  double totalRejects() {
    double total = 0;
    for (String reason : REJECT_REASONS) {
      total += metric(registry, "relay_cluster_hello_rejects", "reason", reason);
    }
    return total;
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }

  // ------------------------------------------------------------ wire format, by hand

  static byte[] payloadOf(byte[] frame) {
    return java.util.Arrays.copyOfRange(frame, 3, frame.length);
  }

  /** Transport message (openzro relay/messages/message.go, MarshalTransportMsg): 0x01, 0x03, 36-byte slot, payload. */
  static byte[] transport(byte[] slot, String payload) {
    return concat(HEX.parseHex("0103"), concat(slot, payload.getBytes(StandardCharsets.UTF_8)));
  }

}
