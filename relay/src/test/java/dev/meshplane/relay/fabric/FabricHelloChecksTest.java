package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.PING;
import static dev.meshplane.relay.fabric.RawFabric.assertClosedWithoutReply;
import static dev.meshplane.relay.fabric.RawFabric.concat;
import static dev.meshplane.relay.fabric.RawFabric.frame;
import static dev.meshplane.relay.fabric.RawFabric.hello;
import static dev.meshplane.relay.fabric.RawFabric.readFrame;
import static dev.meshplane.relay.fabric.RawFabric.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.TestActorSystem;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The checks a node makes of a HELLO after openzro's: not its own address, not a HELLO it accepted
 * before. Driven over loopback by a plain socket writing hand-built HELLOs ({@link RawFabric}),
 * against a node whose clock stands still, so that "the same second" is exact.
 */
class FabricHelloChecksTest {

  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long TIMESTAMP = 1_700_000_000L;
  private static final String POD = "10.0.0.1:7090";
  private static final byte[] PONG = frame(0x21, new byte[0]);
  private static final Duration WAIT = Duration.ofSeconds(5);

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-hello-checks-test");

  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(TIMESTAMP));
  private PrometheusRegistry registry;
  private RelayFabric node;

  @Test
  void helloAnnouncingTheNodesOwnAddressIsRefused() throws Exception {
    start(SECRET);
    // Correctly signed and fresh: only the address is wrong. This is also what one of the node's
    // own HELLOs looks like when whoever it dialed sends it back.
    assertRefused(hello(node.announceAddress(), TIMESTAMP, SECRET), "own_address", 1);
    assertEquals(0, streams());
  }

  @Test
  void aHelloAcceptedOnceIsRefusedWhenSentAgain() throws Exception {
    start(SECRET);
    byte[] hello = hello(POD, TIMESTAMP, SECRET);
    try (Socket first = connect()) {
      write(first, hello);
      write(first, frame(0x01, PeerId.fromPublicKey("nobody").toBytes())); // an openzro pod's first frame
      write(first, frame(PING, new byte[0]));
      assertArrayEquals(PONG, readFrame(first));
    }
    Await.until(WAIT, "first stream gone", () -> streams() == 0);

    assertRefused(hello, "replayed", 1);
    assertRefused(hello, "replayed", 2);

    // The same pod a second later is a new HELLO: a dialer that waits for the next second is fine.
    clock.advance(Duration.ofSeconds(1));
    try (Socket again = connect()) {
      write(again, hello(POD, TIMESTAMP + 1, SECRET));
      write(again, frame(0x01, PeerId.fromPublicKey("nobody").toBytes()));
      write(again, frame(PING, new byte[0]));
      assertArrayEquals(PONG, readFrame(again));
    }
    assertEquals(0, openzroRejects(), "none of openzro's labels moved");
  }

  @Test
  void trailingBytesDoNotMakeAReplayNew() throws Exception {
    start(SECRET);
    byte[] hello = hello(POD, TIMESTAMP, SECRET);
    try (Socket first = connect()) {
      write(first, hello);
      write(first, frame(PING, new byte[0]));
      assertArrayEquals(PONG, readFrame(first));
    }
    Await.until(WAIT, "first stream gone", () -> streams() == 0);
    // openzro's decoder ignores bytes after the MAC; the MAC, address and timestamp are the same.
    byte[] payload = java.util.Arrays.copyOfRange(hello, 3, hello.length);
    assertRefused(frame(0x00, concat(payload, new byte[] {9, 9})), "replayed", 1);
  }

  @Test
  void unsignedHellosAreNotRememberedAsThereIsNoSecretToProtect() throws Exception {
    start(new byte[0]);
    for (int i = 0; i < 2; i++) {
      try (Socket socket = connect()) {
        write(socket, hello(POD, TIMESTAMP, new byte[0]));
        write(socket, frame(PING, new byte[0]));
        assertArrayEquals(PONG, readFrame(socket));
      }
      Await.until(WAIT, "stream gone", () -> streams() == 0);
    }
    assertEquals(0, counter("replayed"));
  }

  // ------------------------------------------------------------ helpers

  private void start(byte[] secret) throws Exception {
    registry = new PrometheusRegistry();
    node = system.startFabric(FabricTestSettings.loopback(new String(secret, StandardCharsets.UTF_8), Map.of()),
        "127.0.0.1", new FakeLocalPeers(), registry, clock);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", node.boundPort());
    socket.setSoTimeout((int) WAIT.toMillis());
    return socket;
  }

  private void assertRefused(byte[] firstFrame, String reason, double expected) throws Exception {
    try (Socket socket = connect()) {
      write(socket, firstFrame);
      assertClosedWithoutReply(socket);
    }
    Await.until(WAIT, "relay_cluster_hello_rejects{reason=" + reason + "} = " + expected,
        () -> counter(reason) == expected);
  }

  private double counter(String reason) {
    return MetricValues.counter(registry, "relay_cluster_hello_rejects", "reason", reason);
  }

  private double openzroRejects() {
    double total = 0;
    for (String label : new String[] {"hmac_mismatch", "unsigned_but_required", "signed_but_unsupported",
        "stale_timestamp", "malformed", "timeout", "first_frame_not_hello"}) {
      total += counter(label);
    }
    return total;
  }

  private double streams() {
    return MetricValues.gauge(registry, "relay_cluster_streams");
  }
}
