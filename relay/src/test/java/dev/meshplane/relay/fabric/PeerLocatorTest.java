package dev.meshplane.relay.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.PeerId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;

/**
 * The locator without a network: streams whose frames land in lists, answers fed in as the fabric
 * would feed them, and a lookup timeout that fires only when the test lets time pass.
 */
class PeerLocatorTest {

  private static final PeerId PEER = PeerId.fromPublicKey("peer-a");
  private static final PeerId OTHER = PeerId.fromPublicKey("peer-b");
  private static final String A = "10.0.0.1:7090";
  private static final String B = "10.0.0.2:7090";
  private static final Duration LONG_TTL = Duration.ofHours(1);

  private final FabricStreams streams = new FabricStreams();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final FabricMetrics metrics = new FabricMetrics(registry, streams::liveCount);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingQueue toA = new RecordingQueue();
  private final RecordingQueue toB = new RecordingQueue();

  // ------------------------------------------------------------ cache

  @Test
  void anIHaveFillsTheCacheEvenWithoutALookup() {
    PeerLocator locator = locator(LONG_TTL);
    FabricStream a = connect(A, true, toA);

    locator.onIHave(A, PEER, 1);

    assertEquals(Optional.of(a), locator.cachedStream(PEER));
    assertEquals(1, locator.cacheSize());
  }

  @Test
  void aCacheHitAnswersWithoutAskingAnyone() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, true, toA);
    locator.onIHave(A, PEER, 1);

    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);

    assertEquals(Optional.of(A), owner.getNow(null));
    assertEquals(List.of(), toA.frames());
    assertEquals(1, MetricValues.observations(registry, "relay_cluster_lookup_duration_seconds"));
  }

  @Test
  void anExpiredEntryIsDroppedWhenRead() {
    // A TTL below zero makes every entry expired from the moment it is written.
    PeerLocator locator = locator(Duration.ofNanos(-1));
    connect(A, true, toA);
    locator.onIHave(A, PEER, 1);
    assertEquals(1, locator.cacheSize());

    assertEquals(Optional.empty(), locator.cachedStream(PEER));
    assertEquals(0, locator.cacheSize());
  }

  @Test
  void anExpiredEntryIsNotAnAnswer() {
    PeerLocator locator = locator(Duration.ofNanos(-1));
    connect(A, true, toA);
    locator.onIHave(A, PEER, 1);

    locator.lookup(PEER);

    assertEquals(List.of(whoHas(PEER)), hex(toA.frames()), "the expired entry was ignored and the peer asked for");
  }

  @Test
  void theCacheKeepsTheHigherSeqnoAndTakesTiesFromTheLaterAnswer() {
    PeerLocator locator = locator(LONG_TTL);
    FabricStream a = connect(A, true, toA);
    FabricStream b = connect(B, true, toB);

    locator.onIHave(A, PEER, 9);
    locator.onIHave(B, PEER, 2);
    assertEquals(Optional.of(a), locator.cachedStream(PEER), "a lower seqno does not replace a fresh entry");

    locator.onIHave(B, PEER, 9);
    assertEquals(Optional.of(b), locator.cachedStream(PEER), "an equal seqno does");
  }

  // ------------------------------------------------------------ lookups

  @Test
  void withoutLiveStreamsThereIsNoOwnerAtOnce() {
    PeerLocator locator = locator(LONG_TTL);

    assertEquals(Optional.empty(), locator.lookup(PEER).getNow(null));
    assertEquals(0, scheduler.pending(), "nothing to wait for");
  }

  @Test
  void aMissAsksEveryLiveStreamOnceAndConcurrentLookupsShareTheQuestion() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, true, toA);
    connect(B, false, toB);

    CompletableFuture<Optional<String>> first = locator.lookup(PEER);
    CompletableFuture<Optional<String>> second = locator.lookup(PEER);

    assertSame(first, second);
    assertEquals(List.of(whoHas(PEER)), hex(toA.frames()));
    assertEquals(List.of(whoHas(PEER)), hex(toB.frames()));
    assertFalse(first.isDone());
  }

  @Test
  void meshplaneNodesAnsweringNotHereFinishTheLookupBeforeTheTimeout() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, true, toA);
    connect(B, true, toB);
    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);

    locator.onNotHere(A, PEER);
    assertFalse(owner.isDone(), "B has not answered yet");
    locator.onNotHere(B, PEER);

    assertEquals(Optional.empty(), owner.getNow(null));
    assertEquals(1, MetricValues.observations(registry, "relay_cluster_lookup_duration_seconds"));
  }

  @Test
  void anIHaveFinishesTheLookupWithoutWaitingForOpenzroPods() {
    PeerLocator locator = locator(LONG_TTL);
    FabricStream a = connect(A, true, toA);
    connect(B, false, toB);
    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);

    locator.onIHave(A, PEER, 3);

    assertEquals(Optional.of(A), owner.getNow(null));
    assertEquals(Optional.of(a), locator.cachedStream(PEER));
  }

  @Test
  void anOpenzroPodThatStaysSilentIsWaitedForUntilTheTimeout() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, false, toA);
    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);
    assertFalse(owner.isDone());

    scheduler.timePasses();

    assertEquals(Optional.empty(), owner.getNow(null));
  }

  @Test
  void anOpenzroPodAnsweringIHaveFinishesTheLookup() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, false, toA);
    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);

    locator.onIHave(A, PEER, 1);

    assertEquals(Optional.of(A), owner.getNow(null));
  }

  @Test
  void theHighestSeqnoWinsAndTiesKeepTheFirstAnswer() {
    assertEquals(Optional.of(B), lookupAnsweredWith(5, 9), "strictly greater seqno wins");
    assertEquals(Optional.of(A), lookupAnsweredWith(9, 5), "a lower one arriving later does not");
    assertEquals(Optional.of(A), lookupAnsweredWith(9, 9), "a tie keeps the first answer");
  }

  @Test
  void theWinnerIsCachedForTheNextLookup() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, true, toA);
    FabricStream b = connect(B, true, toB);
    locator.lookup(PEER);
    locator.onIHave(A, PEER, 5);
    locator.onIHave(B, PEER, 9);

    assertEquals(Optional.of(b), locator.cachedStream(PEER));
    assertEquals(Optional.of(B), locator.lookup(PEER).getNow(null));
  }

  @Test
  void aStreamClosingDuringTheLookupCountsAsItsAnswer() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, false, toA);
    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);

    locator.onStreamClosed(A);

    assertEquals(Optional.empty(), owner.getNow(null));
  }

  @Test
  void aStreamThatCannotTakeTheQuestionCountsAsAnswered() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, false, toA);
    toA.fill();

    assertEquals(Optional.empty(), locator.lookup(PEER).getNow(null));
  }

  @Test
  void theTimeoutAfterAFinishedLookupChangesNothing() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, true, toA);
    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);
    locator.onIHave(A, PEER, 1);

    scheduler.timePasses();

    assertEquals(Optional.of(A), owner.getNow(null));
    assertEquals(1, MetricValues.observations(registry, "relay_cluster_lookup_duration_seconds"));
  }

  // ------------------------------------------------------------ invalidation

  @Test
  void aClosedStreamTakesItsEntriesWithIt() {
    PeerLocator locator = locator(LONG_TTL);
    connect(A, true, toA);
    FabricStream b = connect(B, true, toB);
    locator.onIHave(A, PEER, 1);
    locator.onIHave(A, OTHER, 2);
    locator.onIHave(B, PeerId.fromPublicKey("peer-c"), 3);

    locator.onStreamClosed(A);

    assertEquals(1, locator.cacheSize());
    assertEquals(Optional.of(b), locator.cachedStream(PeerId.fromPublicKey("peer-c")));
  }

  @Test
  void anEntryWhoseStreamIsGoneIsNotUsed() {
    PeerLocator locator = locator(LONG_TTL);
    FabricStream a = connect(A, true, toA);
    locator.onIHave(A, PEER, 1);

    a.close();

    assertEquals(Optional.empty(), locator.cachedStream(PEER));
    assertEquals(0, locator.cacheSize());
  }

  @Test
  void peerLeftDropsTheEntryOnlyWhenItPointsAtTheSender() {
    PeerLocator locator = locator(LONG_TTL);
    FabricStream a = connect(A, true, toA);
    connect(B, true, toB);
    locator.onIHave(A, PEER, 1);

    // RelayFabric turns PEER_LEFT from a stream into invalidate(peer, that stream's address).
    locator.invalidate(PEER, B);
    assertEquals(Optional.of(a), locator.cachedStream(PEER), "B never owned the peer in our cache");

    locator.invalidate(PEER, A);
    assertEquals(Optional.empty(), locator.cachedStream(PEER));
  }

  @Test
  void notHereFromTheCachedOwnerDropsTheEntry() {
    PeerLocator locator = locator(LONG_TTL);
    FabricStream a = connect(A, true, toA);
    connect(B, true, toB);
    locator.onIHave(A, PEER, 1);

    locator.onNotHere(B, PEER);
    assertEquals(Optional.of(a), locator.cachedStream(PEER));

    locator.onNotHere(A, PEER);
    assertEquals(Optional.empty(), locator.cachedStream(PEER));
  }

  // ------------------------------------------------------------ helpers

  private PeerLocator locator(Duration ttl) {
    return new PeerLocator(streams, metrics, scheduler, ExecutionContext.global(), ttl, Duration.ofMillis(200));
  }

  private FabricStream connect(String address, boolean meshplane, RecordingQueue queue) {
    FabricStream stream = RecordingQueue.stream(address, meshplane, queue);
    assertTrue(streams.register(stream));
    return stream;
  }

  /** A fresh lookup over two meshplane streams, A answering first with {@code seqnoA}, then B. */
  private Optional<String> lookupAnsweredWith(long seqnoA, long seqnoB) {
    FabricStreams twoStreams = new FabricStreams();
    twoStreams.register(RecordingQueue.stream(A, true, new RecordingQueue()));
    twoStreams.register(RecordingQueue.stream(B, true, new RecordingQueue()));
    PeerLocator locator = new PeerLocator(twoStreams, new FabricMetrics(new PrometheusRegistry(), () -> 2),
        new ManualScheduler(), ExecutionContext.global(), LONG_TTL, Duration.ofMillis(200));
    CompletableFuture<Optional<String>> owner = locator.lookup(PEER);
    locator.onIHave(A, PEER, seqnoA);
    assertFalse(owner.isDone(), "B, a meshplane node, has not answered yet");
    locator.onIHave(B, PEER, seqnoB);
    return owner.getNow(null);
  }

  /** WHO_HAS as openzro's EncodeWhoHas frames it: 0x01, length 36, the peer ID. */
  private static String whoHas(PeerId peer) {
    return "010024" + HexFormat.of().formatHex(peer.toBytes());
  }

  private static List<String> hex(List<byte[]> frames) {
    return frames.stream().map(HexFormat.of()::formatHex).toList();
  }
}
