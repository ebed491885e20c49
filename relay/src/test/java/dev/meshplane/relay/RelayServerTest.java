package dev.meshplane.relay;

import static dev.meshplane.relay.LoopbackRelay.HTTP;
import static dev.meshplane.relay.LoopbackRelay.TOKENS;
import static dev.meshplane.relay.RelayTestSupport.metric;
import static dev.meshplane.relay.RelayTestSupport.startServer;
import static dev.meshplane.relay.RelayTestSupport.stop;
import static dev.meshplane.relay.RelayTestSupport.validToken;
import static dev.meshplane.relay.testkit.RelayTestPeer.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.AuthTokenV2;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayAuthSecret;
import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessage.Hello;
import dev.meshplane.protocol.relay.RelayMessage.PeersOnline;
import dev.meshplane.protocol.relay.RelayMessage.PeersWentOffline;
import dev.meshplane.protocol.relay.RelayMessage.SubscribePeerState;
import dev.meshplane.protocol.relay.RelayMessage.UnsubscribePeerState;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.relay.testkit.RelayTestPeer;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End-to-end tests of the relay over real loopback WebSockets, with the JDK's WebSocket client as
 * the peer. Every test starts its own server on port 0 with a fresh metrics registry.
 */
class RelayServerTest {

  static final HexFormat HEX = HexFormat.of();

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.forRelay("relay-test");

  final LoopbackRelay relay = new LoopbackRelay(system);

  void start(Map<String, Object> overrides) throws Exception {
    relay.start(overrides);
  }

  void start() throws Exception {
    start(Map.of());
  }

  RelayTestPeer peer(String publicKey) throws Exception {
    return relay.peer(publicKey);
  }

  RelayTestPeer unauthenticated(String publicKey) throws Exception {
    return relay.unauthenticated(publicKey);
  }

  /** Sends {@code message} {@code times} times from {@code peer}. */
  static void sendAll(RelayTestPeer peer, byte[] message, int times) {
    try {
      for (int i = 0; i < times; i++) {
        peer.send(message);
      }
    } catch (Exception e) {
      throw new AssertionError(peer.publicKey() + " could not send", e);
    }
  }

  static byte[] transport(PeerId destination, String payload) {
    return RelayMessageCodec.encodeTransport(destination, payload.getBytes(StandardCharsets.UTF_8));
  }

  double handshakes(String result) {
    return metric(relay.registry(), "meshplane_relay_handshakes", "result", result);
  }

  double drops(String reason) {
    return metric(relay.registry(), "meshplane_relay_dropped_messages", "reason", reason);
  }

  double closes(String reason) {
    return metric(relay.registry(), "meshplane_relay_connections_closed", "reason", reason);
  }

  // ------------------------------------------------------------ handshake

  @Test
  void validTokenGetsAuthResponseWithTheInstanceAddress() throws Exception {
    start(Map.of("exposed-address", "rels://relay.example.com:443"));
    RelayTestPeer peer = unauthenticated("peer-a");
    peer.send(RelayMessageCodec.encode(new Auth(peer.id(), validToken())));
    // 01 07 and the instance URL, byte for byte (openzro relay/messages/message.go, MarshalAuthResponse).
    peer.expect(HEX.parseHex("010772656c733a2f2f72656c61792e6578616d706c652e636f6d3a343433"));
    Await.until(WAIT, "peer registered", () -> relay.server().connectedPeers() == 1);
    assertEquals(1, handshakes("ok"));
    assertEquals(1, metric(relay.registry(), "relay_peers"));
    assertEquals(1, metric(relay.registry(), "relay_peer_authentication_time_milliseconds"));
    assertFalse(peer.isClosed());
  }

  @Test
  void derivedInstanceAddressUsesHostAndBoundPort() throws Exception {
    start();
    assertEquals("rel://127.0.0.1:" + relay.server().boundPort(), relay.server().instanceUrl());
    RelayTestPeer peer = unauthenticated("peer-a");
    peer.send(RelayMessageCodec.encode(new Auth(peer.id(), validToken())));
    byte[] response = peer.receive();
    assertEquals(relay.server().instanceUrl(), new String(response, 2, response.length - 2, StandardCharsets.UTF_8));
  }

  @Test
  void badSignatureIsClosedWithoutReplyAndCounted() throws Exception {
    start();
    RelayTestPeer peer = unauthenticated("peer-a");
    byte[] forged = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret("wrong-secret"))
        .generate(Instant.now().getEpochSecond() + 3600);
    peer.send(RelayMessageCodec.encode(new Auth(peer.id(), forged)));
    peer.awaitClosed();
    assertNull(peer.poll(Duration.ZERO), "nothing may be sent on a failed handshake");
    Await.until(WAIT, "rejection counted", () -> handshakes("token_bad_signature") == 1);
    assertEquals(1, closes("handshake_rejected"));
    assertEquals(0, relay.server().connectedPeers());
  }

  @Test
  void expiredTokenIsClosedAndCounted() throws Exception {
    start();
    RelayTestPeer peer = unauthenticated("peer-a");
    peer.send(RelayMessageCodec.encode(new Auth(peer.id(), TOKENS.generate(Instant.now().getEpochSecond() - 5))));
    peer.awaitClosed();
    Await.until(WAIT, "expiry counted", () -> handshakes("token_expired") == 1);
    assertEquals(0, handshakes("ok"));
  }

  @Test
  void garbageFirstMessageIsClosedAndCounted() throws Exception {
    start();
    RelayTestPeer garbage = unauthenticated("peer-a");
    garbage.send(HEX.parseHex("deadbeef00112233"));
    garbage.awaitClosed();
    Await.until(WAIT, "bad version counted", () -> handshakes("bad_version") == 1);

    RelayTestPeer transportFirst = unauthenticated("peer-b");
    transportFirst.send(transport(PeerId.fromPublicKey("peer-a"), "x"));
    transportFirst.awaitClosed();
    Await.until(WAIT, "unexpected type counted", () -> handshakes("unexpected_type") == 1);

    RelayTestPeer empty = unauthenticated("peer-c");
    empty.send(new byte[0]);
    empty.awaitClosed();
    Await.until(WAIT, "empty counted", () -> handshakes("empty") == 1);

    RelayTestPeer oversize = unauthenticated("peer-d");
    oversize.send(new byte[5000]);
    oversize.awaitClosed();
    Await.until(WAIT, "oversize counted", () -> handshakes("bad_version") + handshakes("oversize") == 2);

    // The listener is unaffected: a well-behaved peer still gets in.
    peer("peer-e");
    assertEquals(1, relay.server().connectedPeers());
  }

  @Test
  void textMessageIsClosedAndCounted() throws Exception {
    start();
    RelayTestPeer peer = unauthenticated("peer-a");
    peer.sendText("hello");
    peer.awaitClosed();
    Await.until(WAIT, "text close counted", () -> closes("text_message") == 1);
  }

  @Test
  void legacyHelloIsRejectedWithItsOwnReason() throws Exception {
    start();
    RelayTestPeer peer = unauthenticated("peer-a");
    peer.send(RelayMessageCodec.encode(new Hello(peer.id(), new byte[] {1, 2, 3})));
    peer.awaitClosed();
    Await.until(WAIT, "legacy hello counted", () -> handshakes("legacy_hello_unsupported") == 1);
  }

  @Test
  void silentClientIsClosedAfterTheHandshakeTimeout() throws Exception {
    start(Map.of("handshake-timeout", "300ms"));
    RelayTestPeer silent = unauthenticated("peer-a");
    silent.awaitClosed();
    Await.until(WAIT, "timeout counted", () -> handshakes("timeout") == 1);
    assertEquals(1, closes("handshake_timeout"));
  }

  @Test
  void connectionsAboveTheLimitAreRefused() throws Exception {
    start(Map.of("max-connections", 2));
    peer("peer-a");
    peer("peer-b");
    ExecutionException refused = assertThrows(ExecutionException.class, () -> HTTP.newWebSocketBuilder()
        .buildAsync(relay.uri(), new java.net.http.WebSocket.Listener() { }).get(5, TimeUnit.SECONDS));
    assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
    assertEquals(503, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    assertEquals(1, handshakes("connection_limit"));
  }

  // ------------------------------------------------------------ transport

  @Test
  void transportIsDeliveredWithTheSlotRewrittenToTheSource() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    RelayTestPeer b = peer("peer-b");
    // Transport "ping" from peer-a to peer-b as sent, and as peer-b must receive it: the slot
    // rewritten to the source (openzro relay/server/peer.go, handleTransportMsg).
    a.send(HEX.parseHex("01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a70696e67"));
    b.expect(HEX.parseHex("01037368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe70696e67"));
    // Counted when queued, which may be a moment after the bytes were already on their way.
    Await.until(WAIT, "forwarding counted", () -> metric(relay.registry(), "meshplane_relay_messages_forwarded") == 1);
    assertEquals(42, metric(relay.registry(), "relay_transfer_received_bytes"));
    assertEquals(42, metric(relay.registry(), "relay_transfer_sent_bytes"));

    // The other direction, an empty payload, and a peer addressing itself (Go does not refuse it).
    b.send(transport(a.id(), ""));
    a.expect(transport(b.id(), ""));
    a.send(transport(a.id(), "me"));
    a.expect(transport(a.id(), "me"));
  }

  @Test
  void transportToAnAbsentPeerIsDroppedAndCounted() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    RelayTestPeer b = peer("peer-b");
    a.send(transport(PeerId.fromPublicKey("peer-nobody"), "lost"));
    Await.until(WAIT, "drop counted", () -> drops("no_destination") == 1);
    // The sender's connection is unaffected.
    a.send(transport(b.id(), "after"));
    b.expect(transport(a.id(), "after"));
    assertFalse(a.isClosed());
  }

  @Test
  void shortTransportIsIgnoredAndTheConnectionKept() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    RelayTestPeer b = peer("peer-b");
    a.send(HEX.parseHex("0103aabbcc"));
    Await.until(WAIT, "malformed counted", () -> drops("malformed") == 1);
    a.send(transport(b.id(), "still here"));
    b.expect(transport(a.id(), "still here"));
  }

  @Test
  void oversizeMessageAfterHandshakeCloses() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    peer("peer-b");
    a.send(RelayMessageCodec.encodeTransport(PeerId.fromPublicKey("peer-b"), new byte[8782]));
    byte[] tooBig = new byte[8821];
    tooBig[0] = 1;
    tooBig[1] = 3;
    a.send(tooBig);
    a.awaitClosed();
    Await.until(WAIT, "oversize close counted", () -> closes("oversize") == 1);
  }

  @Test
  void fragmentedMessagesAreReassembled() throws Exception {
    start();
    RelayTestPeer a = unauthenticated("peer-a");
    a.sendFragmented(RelayMessageCodec.encode(new Auth(a.id(), validToken())), 10);
    assertEquals(7, a.receive()[1], "AuthResponse after a fragmented Auth");
    RelayTestPeer b = peer("peer-b");
    byte[] payload = new byte[3000];
    new java.util.Random(7).nextBytes(payload);
    a.sendFragmented(RelayMessageCodec.encodeTransport(b.id(), payload), 1000);
    b.expect(RelayMessageCodec.encodeTransport(a.id(), payload));
  }

  @Test
  void fragmentedOversizeMessagesClose() throws Exception {
    start();
    RelayTestPeer handshake = unauthenticated("peer-a");
    handshake.sendFragmented(new byte[300], 100);
    handshake.awaitClosed();
    Await.until(WAIT, "oversize handshake counted", () -> handshakes("oversize") == 1);

    RelayTestPeer b = peer("peer-b");
    byte[] tooBig = RelayMessageCodec.encodeTransport(b.id(), new byte[8782]);
    b.sendFragmented(java.util.Arrays.copyOf(tooBig, tooBig.length + 1), 4000);
    b.awaitClosed();
    Await.until(WAIT, "oversize close counted", () -> closes("oversize") == 1);
  }

  @Test
  void typeNotAcceptedFromClientsCloses() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    a.send(HEX.parseHex("010a"));
    a.awaitClosed();
    Await.until(WAIT, "protocol error counted", () -> closes("protocol_error") == 1);
    Await.until(WAIT, "peer removed", () -> relay.server().connectedPeers() == 0);
  }

  @Test
  void repeatedAuthAfterHandshakeIsIgnored() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    RelayTestPeer b = peer("peer-b");
    a.send(RelayMessageCodec.encode(new Auth(a.id(), validToken())));
    a.send(transport(b.id(), "ok"));
    b.expect(transport(a.id(), "ok"));
    assertNull(a.poll(Await.QUIET), "a second Auth gets no second AuthResponse");
  }

  // ------------------------------------------------------------ peer state

  @Test
  void subscriberIsToldWhenAWatchedPeerComesOnlineAndGoesOffline() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    PeerId bId = PeerId.fromPublicKey("peer-b");
    a.send(RelayMessageCodec.encode(new SubscribePeerState(List.of(bId))));
    assertNull(a.poll(Await.QUIET), "nothing to report while peer-b is offline");

    RelayTestPeer b = peer("peer-b");
    a.expect(RelayMessageCodec.encode(new PeersOnline(List.of(bId))));

    b.send(HEX.parseHex("0104")); // Close (openzro relay/messages/message.go, MarshalCloseMsg)
    b.awaitClosed();
    a.expect(RelayMessageCodec.encode(new PeersWentOffline(List.of(bId))));
    assertEquals(1, closes("client_close"));
    Await.until(WAIT, "peer-b gone", () -> relay.server().connectedPeers() == 1);
  }

  @Test
  void subscribingToAnOnlinePeerAnswersAtOnce() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    RelayTestPeer b = peer("peer-b");
    PeerId absent = PeerId.fromPublicKey("peer-x");
    a.send(RelayMessageCodec.encode(new SubscribePeerState(List.of(absent, b.id()))));
    a.expect(RelayMessageCodec.encode(new PeersOnline(List.of(b.id()))));

    // Offline interest lasts; a disconnect without Close is noticed too.
    b.abort();
    a.expect(RelayMessageCodec.encode(new PeersWentOffline(List.of(b.id()))));
  }

  @Test
  void unsubscribedPeerIsNotReported() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    PeerId bId = PeerId.fromPublicKey("peer-b");
    a.send(RelayMessageCodec.encode(new SubscribePeerState(List.of(bId))));
    a.send(RelayMessageCodec.encode(new UnsubscribePeerState(List.of(bId))));
    RelayTestPeer b = peer("peer-b");
    b.close();
    assertNull(a.poll(Await.QUIET), "no events after unsubscribe");
  }

  @Test
  void malformedSubscriptionIsIgnored() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    a.send(HEX.parseHex("0108" + "00".repeat(35)));
    Await.until(WAIT, "malformed counted", () -> drops("malformed") == 1);
    a.send(RelayMessageCodec.encode(new SubscribePeerState(List.of(a.id()))));
    a.expect(RelayMessageCodec.encode(new PeersOnline(List.of(a.id()))));
  }

  // ------------------------------------------------------------ replacement

  @Test
  void reauthenticationWithTheSameIdReplacesTheOlderConnection() throws Exception {
    start();
    RelayTestPeer watcher = peer("peer-a");
    RelayTestPeer first = peer("peer-b");
    watcher.send(RelayMessageCodec.encode(new SubscribePeerState(List.of(first.id()))));
    watcher.expect(RelayMessageCodec.encode(new PeersOnline(List.of(first.id()))));

    RelayTestPeer second = peer("peer-b");
    first.awaitClosed();
    Await.until(WAIT, "reconnection counted", () -> metric(relay.registry(), "relay_peer_reconnections") == 1);
    assertEquals(1, closes("replaced"));
    assertEquals(2, relay.server().connectedPeers());
    assertEquals(2, metric(relay.registry(), "relay_peers"));

    watcher.send(transport(second.id(), "to the new one"));
    second.expect(transport(watcher.id(), "to the new one"));
    // Replacement emits no offline event: the older connection is no longer the entry
    // (openzro relay/server/store/store.go, DeletePeer).
    byte[] event = watcher.poll(Await.QUIET);
    assertTrue(event == null || event[1] != 11, "replacement must not look like going offline");
  }

  // ------------------------------------------------------------ flow control

  @Test
  void aSlowReaderDoesNotStallAFastPair() throws Exception {
    start(Map.of("peer-queue-size", 16));
    RelayTestPeer flooder = peer("peer-flooder");
    RelayTestPeer slow = peer("peer-slow");
    RelayTestPeer fastA = peer("peer-fast-a");
    RelayTestPeer fastB = peer("peer-fast-b");
    slow.stopReading();

    // Far more than socket buffers and the 16-message queue can hold.
    byte[] big = RelayMessageCodec.encodeTransport(slow.id(), new byte[8000]);
    Await.until(Duration.ofSeconds(20), "packets to the stalled peer dropped (queue_full)", () -> {
      sendAll(flooder, big, 100);
      return drops("queue_full") > 0;
    });

    // While the slow peer stays stalled, the fast pair exchanges every message, promptly.
    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      fastA.send(transport(fastB.id(), "ping" + i));
      fastB.expect(transport(fastA.id(), "ping" + i));
      fastB.send(transport(fastA.id(), "pong" + i));
      fastA.expect(transport(fastB.id(), "pong" + i));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "fast pair took " + took);
    // The flooder itself was never blocked by the stalled reader: it kept its connection.
    assertFalse(flooder.isClosed());
    assertFalse(slow.isClosed());
  }

  // ------------------------------------------------------------ health checks

  @Test
  void serverSendsHealthChecksAndDropsAPeerThatStopsAnswering() throws Exception {
    start(Map.of("health-check-interval", "100ms", "health-check-timeout", "400ms",
        "idle-timeout", "5s"));
    RelayTestPeer answering = peer("peer-a");
    RelayTestPeer mute = peer("peer-b");
    mute.stopAnsweringHealthChecks();

    byte[] first = mute.pollRaw(WAIT);
    assertArrayEquals(HEX.parseHex("0105"), first, "server health check");

    mute.awaitClosed();
    Await.until(WAIT, "health-check close counted", () -> closes("health_check_timeout") == 1);
    // The answering peer outlives several windows.
    assertNull(answering.poll(Duration.ofMillis(1200)));
    assertFalse(answering.isClosed());
    assertEquals(1, relay.server().connectedPeers());
  }

  // ------------------------------------------------------------ shutdown

  @Test
  void stopSendsCloseToEveryPeer() throws Exception {
    start();
    RelayTestPeer a = peer("peer-a");
    RelayTestPeer b = peer("peer-b");
    stop(relay.server());
    system.closedByTest(relay.server());
    a.expect(HEX.parseHex("0104"));
    b.expect(HEX.parseHex("0104"));
    a.awaitClosed();
    assertEquals(0, relay.server().connectedPeers());
    // Metrics are unregistered, so a new server can use the same registry.
    system.stopAfterTest(startServer(system.get(), Map.of(), relay.registry()));
  }

  @Test
  void startFailsWithoutASecret() {
    RelaySettings noSecret = RelayTestSupport.settings(Map.of("auth-secret", ""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RelayServer.start(system.get(), noSecret, new PrometheusRegistry()));
    assertTrue(e.getMessage().startsWith("meshplane.relay.auth-secret: not set"), e.getMessage());
  }
}
