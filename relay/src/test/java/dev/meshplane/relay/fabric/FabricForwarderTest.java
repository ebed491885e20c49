package dev.meshplane.relay.fabric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.PeerId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;

/**
 * The forwarder with its real locator and stream registry, but no network: streams whose frames
 * land in lists, answers fed in as the fabric would feed them, and a lookup timeout that fires only
 * when the test lets time pass.
 */
class FabricForwarderTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final PeerId PEER = PeerId.fromPublicKey("peer-a");
  private static final PeerId OTHER = PeerId.fromPublicKey("peer-b");
  private static final String A = "10.0.0.1:7090";
  private static final String B = "10.0.0.2:7090";
  private static final int BACKLOG = 3;

  private final FabricStreams streams = new FabricStreams();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final FabricMetrics metrics = new FabricMetrics(registry, streams::liveCount);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final PeerLocator locator = new PeerLocator(streams, metrics, scheduler, ExecutionContext.global(),
      Duration.ofHours(1), Duration.ofMillis(200));
  private final FakeLocalPeers local = new FakeLocalPeers();
  private final FabricForwarder forwarder = new FabricForwarder(local, locator, streams, metrics, BACKLOG);
  private final RecordingQueue toA = new RecordingQueue();
  private final RecordingQueue toB = new RecordingQueue();

  @Test
  void aKnownOwnerGetsOneFwdFrameCarryingTheMessageUnchanged() {
    connect(A, true, toA);
    locator.onIHave(A, PEER, 1);
    byte[] message = transport("hello");

    forwarder.forward(PEER, ByteString.fromArray(message));

    assertEquals(List.of(fwd(PEER, message)), hex(toA.frames()));
    assertEquals(1, forwards("ok"));
    assertEquals(1, MetricValues.observations(registry, "relay_cluster_lookup_duration_seconds"),
        "a cache hit is observed too");
  }

  @Test
  void packetsWaitForTheLookupThenLeaveInArrivalOrder() {
    connect(A, true, toA);

    forwarder.forward(PEER, message("one"));
    forwarder.forward(PEER, message("two"));
    assertEquals(List.of(whoHas(PEER)), hex(toA.frames()), "one question for both packets, nothing sent yet");

    locator.onIHave(A, PEER, 1);

    assertEquals(List.of(whoHas(PEER), fwd(PEER, transport("one")), fwd(PEER, transport("two"))), hex(toA.frames()));
    assertEquals(2, forwards("ok"));
  }

  @Test
  void thePerDestinationBacklogIsBoundedAndKeepsTheFirstPackets() {
    connect(A, true, toA);

    for (int i = 1; i <= BACKLOG + 2; i++) {
      forwarder.forward(PEER, message("packet " + i));
    }
    forwarder.forward(OTHER, message("for the other peer"));
    locator.onIHave(A, PEER, 1);

    List<String> sent = new ArrayList<>(List.of(whoHas(PEER), whoHas(OTHER)));
    for (int i = 1; i <= BACKLOG; i++) {
      sent.add(fwd(PEER, transport("packet " + i)));
    }
    assertEquals(sent, hex(toA.frames()), "the other peer's packet waits in its own backlog");
    assertEquals(BACKLOG, forwards("ok"));
    assertEquals(2, forwards("send_error"), "one forward counted per packet that could not be held");
    assertEquals(2, MetricValues.counter(registry, "meshplane_relay_cluster_frames_dropped", "reason",
        "lookup_backlog_full"));
  }

  @Test
  void aPeerThatConnectedHereDuringTheLookupGetsItsPacketsLocally() {
    connect(A, true, toA);
    forwarder.forward(PEER, message("one"));

    local.connect(PEER);
    locator.onIHave(A, PEER, 1);

    FakeLocalPeers.Delivery delivery = local.delivered.poll();
    assertTrue(delivery != null, "delivered here");
    assertEquals(PEER, delivery.destination());
    assertArrayEquals(transport("one"), delivery.message());
    assertEquals(List.of(whoHas(PEER)), hex(toA.frames()), "no FWD went out");
    assertEquals(1, forwards("ok"));
  }

  @Test
  void withoutAnOwnerEveryHeldPacketCountsPeerNotFound() {
    connect(A, false, toA);
    forwarder.forward(PEER, message("one"));
    forwarder.forward(PEER, message("two"));

    scheduler.timePasses();

    assertEquals(2, forwards("peer_not_found"));
    assertEquals(List.of(whoHas(PEER)), hex(toA.frames()));
  }

  @Test
  void aCachedOwnerWhoseStreamIsGoneTriggersANewLookup() {
    FabricStream a = connect(A, true, toA);
    connect(B, true, toB);
    locator.onIHave(A, PEER, 1);
    a.close();

    forwarder.forward(PEER, message("one"));
    assertEquals(List.of(whoHas(PEER)), hex(toB.frames()), "asked again instead of dropping the packet");
    locator.onIHave(B, PEER, 2);

    assertEquals(List.of(whoHas(PEER), fwd(PEER, transport("one"))), hex(toB.frames()));
    assertEquals(List.of(), toA.frames());
    assertEquals(1, forwards("ok"));
    assertEquals(0, forwards("stream_gone"));
  }

  @Test
  void anOwnerWhoseStreamEndsBeforeThePacketsLeaveCountsStreamGone() {
    FabricStream a = connect(A, true, toA);
    forwarder.forward(PEER, message("one"));

    a.close();
    locator.onIHave(A, PEER, 1);

    assertEquals(1, forwards("stream_gone"));
    assertEquals(0, locator.cacheSize(), "the entry pointing at the dead stream is dropped");
  }

  @Test
  void aSendToAClosedConnectionDropsTheCacheEntry() {
    connect(A, true, toA);
    locator.onIHave(A, PEER, 1);
    toA.closeUnderneath();

    forwarder.forward(PEER, message("one"));

    assertEquals(1, forwards("stream_gone"));
    assertEquals(0, locator.cacheSize());
  }

  @Test
  void aFullQueueDropsThePacketButKeepsTheOwner() {
    FabricStream a = connect(A, true, toA);
    locator.onIHave(A, PEER, 1);
    toA.fill();

    forwarder.forward(PEER, message("one"));

    assertEquals(1, forwards("send_error"));
    assertEquals(Optional.of(a), locator.cachedStream(PEER), "the owner is still right");
  }

  // ------------------------------------------------------------ helpers

  private FabricStream connect(String address, boolean meshplane, RecordingQueue queue) {
    FabricStream stream = RecordingQueue.stream(address, meshplane, queue);
    assertTrue(streams.register(stream));
    return stream;
  }

  private double forwards(String result) {
    return MetricValues.counter(registry, "relay_cluster_forwards", "result", result);
  }

  private static ByteString message(String payload) {
    return ByteString.fromArray(transport(payload));
  }

  /** A relay transport message as the sender's relay hands it over: slot already holding the source. */
  private static byte[] transport(String payload) {
    byte[] body = payload.getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[2 + PeerId.SIZE + body.length];
    message[0] = 0x01;
    message[1] = 0x03;
    System.arraycopy(PeerId.fromPublicKey("the-source").toBytes(), 0, message, 2, PeerId.SIZE);
    System.arraycopy(body, 0, message, 2 + PeerId.SIZE, body.length);
    return message;
  }

  /** FWD as openzro's Forward frames it: 0x14, uint16 length, destination ID, the message. */
  private static String fwd(PeerId destination, byte[] message) {
    int length = PeerId.SIZE + message.length;
    return "14" + String.format("%04x", length) + HEX.formatHex(destination.toBytes()) + HEX.formatHex(message);
  }

  /** WHO_HAS as openzro's EncodeWhoHas frames it: 0x01, length 36, the peer ID. */
  private static String whoHas(PeerId peer) {
    return "010024" + HEX.formatHex(peer.toBytes());
  }

  private static List<String> hex(List<byte[]> frames) {
    return frames.stream().map(HEX::formatHex).toList();
  }
}
