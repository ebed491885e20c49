package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.accept;
import static dev.meshplane.relay.fabric.RawFabric.address;
import static dev.meshplane.relay.fabric.RawFabric.listen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meshplane.relay.TestActorSystem;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dialing side of the fabric against a plain {@link ServerSocket} "pod" that reads the wire by
 * hand ({@link RawFabric}): the HELLO a node sends, and what happens to the TCP connection when
 * the remote ends the stream.
 */
class FabricDialerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SECRET = "s3cret";

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-dialer-test");

  private RelayFabric fabric;

  @Test
  void dialedMemberGetsASignedHelloWithTheAnnounceAddressAndTheCurrentTime() throws Exception {
    startFabric(SECRET);
    ServerSocket pod = pod();
    // Our own address among the members is never dialed.
    fabric.setMembers("static", Set.of(address(pod), fabric.announceAddress()));
    try (Socket dialed = accept(pod, WAIT)) {
      byte[] payload = RawFabric.readHelloPayload(dialed);
      int a = payload[1] & 0xFF;
      assertEquals(fabric.announceAddress(), new String(payload, 2, a, StandardCharsets.UTF_8));
      long timestamp = 0;
      for (int i = 0; i < 8; i++) {
        timestamp = (timestamp << 8) | (payload[2 + a + i] & 0xFF);
      }
      long now = Instant.now().getEpochSecond();
      assertTrue(Math.abs(now - timestamp) <= 10, "timestamp " + timestamp + " vs now " + now);
      assertEquals(32, payload[10 + a], "hmac_len");
      assertEquals(43 + a, payload.length, "signed HELLO is 43 + A bytes");
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal(Arrays.copyOfRange(payload, 0, 10 + a));
      assertArrayEquals(expected, Arrays.copyOfRange(payload, 11 + a, 43 + a), "HMAC over the bytes before hmac_len");
      Await.until(WAIT, "only the member has a stream", () -> fabric.stats().streams().equals(List.of(address(pod))));
    }
  }

  @Test
  void withoutSecretTheHelloIsUnsigned() throws Exception {
    startFabric("");
    ServerSocket pod = pod();
    fabric.setMembers("static", Set.of(address(pod)));
    try (Socket dialed = accept(pod, WAIT)) {
      byte[] payload = RawFabric.readHelloPayload(dialed);
      int a = payload[1] & 0xFF;
      assertEquals(0, payload[10 + a], "hmac_len");
      assertEquals(11 + a, payload.length, "unsigned HELLO is 11 + A bytes");
    }
  }

  /**
   * The stream ends when its read side ends, and the connection goes with it (openzro closes the
   * conn when the read loop ends: relay/server/cluster/transport.go, readLoop). The node must close
   * its side too, not leave the socket half-open (CLOSE_WAIT) while it dials a replacement.
   */
  @Test
  void remoteEndingTheStreamGetsTheConnectionClosedAndTheMemberRedialled() throws Exception {
    startFabric(SECRET);
    ServerSocket pod = pod();
    fabric.setMembers("static", Set.of(address(pod)));
    try (Socket first = accept(pod, WAIT)) {
      RawFabric.readHelloPayload(first);
      first.shutdownOutput();
      // Skip whatever the node sent (its PING probe); then the node must close: EOF.
      InputStream in = first.getInputStream();
      try {
        while (in.read() != -1) {
          // drain
        }
      } catch (SocketTimeoutException e) {
        fail("the node kept its side of the ended stream open for " + WAIT + " (half-open connection leak)");
      }
    }
    // The member is still wanted, so a new stream is dialed.
    try (Socket again = accept(pod, WAIT)) {
      RawFabric.readHelloPayload(again);
      Await.until(WAIT, "stream to the member again", () -> fabric.stats().streams().equals(List.of(address(pod))));
    }
  }

  /**
   * A HELLO is its address and second, so a redial within the same second would repeat the last
   * one, which the remote refuses as a replay. The dialer waits for the next second instead.
   */
  @Test
  void aRedialWithinTheSameSecondWaitsForTheNextSoItsHelloIsNew() throws Exception {
    ManualClock clock = new ManualClock(Instant.ofEpochSecond(1_700_000_000L));
    startFabric(SECRET, clock);
    ServerSocket pod = pod();
    fabric.setMembers("static", Set.of(address(pod)));
    try (Socket first = accept(pod, WAIT)) {
      assertEquals(1_700_000_000L, helloTimestamp(RawFabric.readHelloPayload(first)));
    }
    // The redial backoff (200 ms) passes within the quiet window; the clock's second does not.
    pod.setSoTimeout((int) Await.QUIET.toMillis());
    assertThrows(SocketTimeoutException.class, pod::accept, "redialled with the same HELLO");

    clock.advance(Duration.ofSeconds(1));
    pod.setSoTimeout((int) WAIT.toMillis());
    try (Socket second = accept(pod, WAIT)) {
      assertEquals(1_700_000_001L, helloTimestamp(RawFabric.readHelloPayload(second)));
    }
  }

  /** Members come from discovery only; whatever address a remote announces is its key, never a target. */
  @Test
  void anAddressAnnouncedInAnInboundHelloIsNeverDialed() throws Exception {
    startFabric(SECRET);
    ServerSocket announced = pod();
    announced.setSoTimeout((int) Await.QUIET.toMillis());
    try (Socket inbound = new Socket("127.0.0.1", fabric.boundPort())) {
      RawFabric.write(inbound, RawFabric.hello(address(announced), Instant.now().getEpochSecond(),
          SECRET.getBytes(StandardCharsets.UTF_8)));
      Await.until(WAIT, "inbound stream keyed by its announced address",
          () -> fabric.stats().streams().equals(List.of(address(announced))));
    }
    Await.until(WAIT, "inbound stream gone", () -> fabric.stats().streams().isEmpty());
    assertThrows(SocketTimeoutException.class, announced::accept, "the announced address was dialed");
  }

  // ------------------------------------------------------------ helpers

  private static long helloTimestamp(byte[] payload) {
    int a = payload[1] & 0xFF;
    long timestamp = 0;
    for (int i = 0; i < 8; i++) {
      timestamp = (timestamp << 8) | (payload[2 + a + i] & 0xFF);
    }
    return timestamp;
  }

  private void startFabric(String secret) throws Exception {
    startFabric(secret, Clock.systemUTC());
  }

  private void startFabric(String secret, Clock clock) throws Exception {
    fabric = system.startFabric(FabricTestSettings.loopback(secret, Map.of()), "127.0.0.1", new FakeLocalPeers(),
        new PrometheusRegistry(), clock);
  }

  private static ServerSocket pod() throws IOException {
    return system.closeAfterTest(listen());
  }
}
