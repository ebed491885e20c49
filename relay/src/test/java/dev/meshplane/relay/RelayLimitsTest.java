package dev.meshplane.relay;

import static dev.meshplane.relay.LoopbackRelay.HTTP;
import static dev.meshplane.relay.LoopbackRelay.TOKENS;
import static dev.meshplane.relay.RelayTestSupport.metric;
import static dev.meshplane.relay.RelayTestSupport.validToken;
import static dev.meshplane.relay.testkit.RelayTestPeer.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.relay.testkit.RelayTestPeer;
import dev.meshplane.testkit.Await;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What keeps one client from taking a relay node down (docs/relay.md, Connection limits): the
 * maximum token lifetime, the separate budgets of handshaking and authenticated connections, and
 * the per-address cap, over real loopback WebSockets.
 */
class RelayLimitsTest {

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.forRelay("relay-limits-test");

  final LoopbackRelay relay = new LoopbackRelay(system);

  void start(Map<String, Object> overrides) throws Exception {
    relay.start(overrides);
  }

  RelayTestPeer peer(String publicKey) throws Exception {
    return relay.peer(publicKey);
  }

  RelayTestPeer peer(String publicKey, byte[] token) throws Exception {
    return relay.peer(publicKey, token);
  }

  RelayTestPeer silent(String publicKey) throws Exception {
    return relay.unauthenticated(publicKey);
  }

  /** Aborts {@code socket} when the test ends. */
  static void abortAfterTest(WebSocket socket) {
    system.closeAfterTest(socket::abort);
  }

  /** The HTTP status of a WebSocket upgrade the relay refuses; fails if it is accepted. */
  int refusedUpgrade(String realIp) {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder();
    if (realIp != null) {
      builder.header("X-Real-Ip", realIp);
    }
    ExecutionException refused = assertThrows(ExecutionException.class, () -> abortAfterTest(
        builder.buildAsync(relay.uri(), new WebSocket.Listener() { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)));
    assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
    return ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
  }

  /** An upgraded WebSocket that never authenticates, claiming {@code realIp} in X-Real-Ip. */
  void silentFrom(String realIp) throws Exception {
    abortAfterTest(HTTP.newWebSocketBuilder().header("X-Real-Ip", realIp)
        .buildAsync(relay.uri(), new WebSocket.Listener() { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  double handshakes(String result) {
    return metric(relay.registry(), "meshplane_relay_handshakes", "result", result);
  }

  // ------------------------------------------------------------ token lifetime

  @Test
  void aTokenExpiringBeyondTheMaximumLifetimeIsRefusedAndCounted() throws Exception {
    start(Map.of("max-token-lifetime", "1h"));
    long now = Instant.now().getEpochSecond();
    RelayTestPeer farFuture = silent("peer-far");
    // Year 10^10, correctly signed.
    farFuture.send(RelayMessageCodec.encode(new Auth(farFuture.id(), TOKENS.generate(315_569_520_000_000_000L))));
    farFuture.awaitClosed();
    assertNull(farFuture.poll(Duration.ZERO), "nothing may be sent on a refused handshake");
    RelayTestPeer twoHours = silent("peer-two-hours");
    twoHours.send(RelayMessageCodec.encode(new Auth(twoHours.id(), TOKENS.generate(now + 7200))));
    twoHours.awaitClosed();
    Await.until(WAIT, "both refusals counted", () -> handshakes("token_lifetime_too_long") == 2);

    peer("peer-within", TOKENS.generate(now + 3000));
    assertEquals(1, handshakes("ok"));
    assertEquals(1, relay.server().connectedPeers());
  }

  @Test
  void theDefaultMaximumAcceptsATokenForManagementsLongestCommonTtl() throws Exception {
    start(Map.of());
    peer("peer-a", TOKENS.generate(Instant.now().plus(Duration.ofHours(24)).getEpochSecond()));
    assertEquals(1, relay.server().connectedPeers());
  }

  // ------------------------------------------------------------ handshaking and authenticated budgets

  @Test
  void silentSocketsFillOnlyTheHandshakingBudget() throws Exception {
    start(Map.of("max-handshaking-connections", 3, "max-connections", 10, "handshake-timeout", "3s"));
    // More authenticated peers than handshaking slots: each leaves the handshaking budget when its token is accepted.
    List<RelayTestPeer> connected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      connected.add(peer("peer-" + i));
    }
    List<RelayTestPeer> flood = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      flood.add(silent("silent-" + i));
    }
    assertEquals(3, metric(relay.registry(), "meshplane_relay_handshaking_connections"));

    // The flood holds every handshaking slot: one more upgrade is refused and counted ...
    assertEquals(503, refusedUpgrade(null));
    assertEquals(1, handshakes("handshake_limit"));
    // ... while the authenticated peers keep their connections and still reach each other.
    byte[] ping = RelayMessageCodec.encodeTransport(connected.get(1).id(), "ping".getBytes(StandardCharsets.UTF_8));
    connected.get(0).send(ping);
    assertEquals("ping", new String(connected.get(1).pollTransport(WAIT).payload(), StandardCharsets.UTF_8));
    connected.forEach(peer -> assertFalse(peer.isClosed()));
    assertEquals(5, relay.server().connectedPeers());

    // Once the silent sockets time out, a new peer gets in.
    for (RelayTestPeer socket : flood) {
      socket.awaitClosed(Duration.ofSeconds(10));
    }
    Await.until(WAIT, "handshaking slots freed",
        () -> metric(relay.registry(), "meshplane_relay_handshaking_connections") == 0);
    peer("peer-late");
    assertEquals(6, relay.server().connectedPeers());
    assertEquals(3, handshakes("timeout"));
  }

  @Test
  void aTokenAcceptedWhileEveryPeerSlotIsTakenClosesItsConnection() throws Exception {
    start(Map.of("max-connections", 1));
    RelayTestPeer waiting = silent("peer-waiting");
    peer("peer-a");
    waiting.send(RelayMessageCodec.encode(new Auth(waiting.id(), validToken())));
    waiting.awaitClosed();
    Await.until(WAIT, "refusal counted", () -> handshakes("connection_limit") == 1);
    assertEquals(1, relay.server().connectedPeers());
    assertEquals(0, metric(relay.registry(), "meshplane_relay_handshaking_connections"));
  }

  // ------------------------------------------------------------ per address

  @Test
  void theConnectionAboveThePerAddressCapIsRefusedAndCounted() throws Exception {
    start(Map.of("max-connections-per-address", 2));
    RelayTestPeer first = peer("peer-a");
    silent("peer-b");
    // X-Real-Ip does not count unless trusted: all three come from 127.0.0.1.
    assertEquals(503, refusedUpgrade("192.0.2.7"));
    assertEquals(1, handshakes("address_limit"));

    first.close();
    Await.until(WAIT, "a closed connection frees its place", () -> {
      try {
        relay.peer("peer-c");
        return true;
      } catch (Throwable refused) {
        return false;
      }
    });
  }

  @Test
  void behindATrustedProxyTheCapCountsPerXRealIp() throws Exception {
    start(Map.of("max-connections-per-address", 2, "trust-x-real-ip", true));
    silentFrom("192.0.2.1");
    silentFrom("192.0.2.1");
    silentFrom("192.0.2.2");
    assertEquals(503, refusedUpgrade("192.0.2.1"));
    assertEquals(1, handshakes("address_limit"));
    silentFrom("192.0.2.2");
    assertEquals(4, metric(relay.registry(), "meshplane_relay_handshaking_connections"));
  }
}
