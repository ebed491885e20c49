package dev.meshplane.relay.fabric;

import static dev.meshplane.relay.fabric.RawFabric.PING;
import static dev.meshplane.relay.fabric.RawFabric.concat;
import static dev.meshplane.relay.fabric.RawFabric.frame;
import static dev.meshplane.relay.fabric.RawFabric.hello;
import static dev.meshplane.relay.fabric.RawFabric.readFrame;
import static dev.meshplane.relay.fabric.RawFabric.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.TestActorSystem;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a FWD may hand a local peer: a relay Transport message no larger than the relay's
 * max-message-size (8820, the clients' read buffer). Anything else is dropped and counted, never
 * delivered, and the stream stays up. Messages are built by hand: version 0x01, type, 36-byte
 * slot, payload.
 */
class FabricFwdChecksTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long TIMESTAMP = 1_700_000_000L;
  private static final PeerId HERE = PeerId.fromPublicKey("peer-here");
  private static final byte[] SOURCE = PeerId.fromPublicKey("peer-elsewhere").toBytes();
  private static final Duration WAIT = Duration.ofSeconds(5);

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.plain("fabric-fwd-checks-test");

  private final FakeLocalPeers peers = new FakeLocalPeers(HERE);
  private PrometheusRegistry registry;
  private RelayFabric node;

  @Test
  void fwdOfAnythingButATransportMessageIsDroppedAndCounted() throws Exception {
    start();
    try (Socket pod = pod()) {
      fwd(pod, HEX.parseHex("0105"));                                          // HealthCheck
      fwd(pod, concat(HEX.parseHex("0106"), concat(HEX.parseHex("2112a442"), SOURCE)));  // an Auth
      fwd(pod, concat(HEX.parseHex("0107"), "rels://relay.example:443".getBytes(StandardCharsets.US_ASCII)));
      fwd(pod, concat(HEX.parseHex("0203"), concat(SOURCE, payload(10))));   // Transport, version 2
      fwd(pod, concat(HEX.parseHex("0103"), new byte[35]));                  // Transport without its slot
      fwd(pod, new byte[0]);
      // Frames are handled in order: the PONG proves every FWD before it was handled.
      write(pod, frame(PING, new byte[0]));
      assertArrayEquals(frame(0x21, new byte[0]), readFrame(pod));
    }
    assertNull(peers.delivered.poll(), "nothing delivered");
    Await.until(WAIT, "six FWDs counted fwd_not_transport", () -> dropped("fwd_not_transport") == 6);
    assertEquals(0, received("delivered"));
  }

  @Test
  void fwdLargerThanThePeersMaxMessageSizeIsDroppedAndTheLargestAllowedIsDelivered() throws Exception {
    start();
    byte[] largest = transport(payload(8820 - 38));
    byte[] oneTooMany = transport(payload(8820 - 38 + 1));
    try (Socket pod = pod()) {
      fwd(pod, oneTooMany);
      fwd(pod, largest);
      FakeLocalPeers.Delivery delivery = peers.delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(delivery, "the 8820-byte transport was not delivered");
      assertArrayEquals(largest, delivery.message(), "the first delivery is the one within the limit");
    }
    Await.until(WAIT, "one FWD counted fwd_oversize", () -> dropped("fwd_oversize") == 1);
    assertEquals(1, received("delivered"));
    assertNull(peers.delivered.poll(Await.QUIET.toMillis(), TimeUnit.MILLISECONDS), "the oversize one never arrives");
  }

  // ------------------------------------------------------------ helpers

  private void start() throws Exception {
    registry = new PrometheusRegistry();
    node = system.startFabric(FabricTestSettings.loopback(new String(SECRET, StandardCharsets.US_ASCII), Map.of()),
        "127.0.0.1", peers, registry, new ManualClock(Instant.ofEpochSecond(TIMESTAMP)));
  }

  /** An openzro-style pod: signed HELLO, then straight to business, never PING. */
  private Socket pod() throws Exception {
    Socket socket = new Socket("127.0.0.1", node.boundPort());
    socket.setSoTimeout((int) WAIT.toMillis());
    write(socket, hello("10.0.0.1:7090", TIMESTAMP, SECRET));
    return socket;
  }

  private static void fwd(Socket pod, byte[] message) throws Exception {
    write(pod, frame(0x14, concat(HERE.toBytes(), message)));
  }

  private static byte[] transport(byte[] payload) {
    return concat(HEX.parseHex("0103"), concat(SOURCE, payload));
  }

  private static byte[] payload(int size) {
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) i;
    }
    return payload;
  }

  private double dropped(String reason) {
    return MetricValues.counter(registry, "meshplane_relay_cluster_frames_dropped", "reason", reason);
  }

  private double received(String result) {
    return MetricValues.counter(registry, "meshplane_relay_cluster_forwards_received", "result", result);
  }
}
