package dev.meshplane.actors.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.config.SettingsReader;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PeerSessionTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
  private static final ManualTime manualTime = ManualTime.get(testKit.system());
  private static final Duration MAX_AGE = Duration.ofSeconds(30);
  private static final Duration IDLE = Duration.ofMinutes(2);
  private static final long NODE_BYTES = 1L << 30;

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private SignalMetrics metrics;
  private TestProbe<ClusterSharding.ShardCommand> shard;
  private TestProbe<PeerSession.Deliver> successor;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    metrics = new SignalMetrics(new PrometheusRegistry());
    shard = testKit.createTestProbe();
    successor = testKit.createTestProbe();
  }

  private static SignalSettings settings(int bufferMax) {
    return settings(bufferMax, "256KiB");
  }

  private static SignalSettings settings(int bufferMax, String bufferMaxBytes) {
    Config config = ConfigFactory.parseMap(Map.ofEntries(
        Map.entry("meshplane.signal.max-message-size", "512"),
        Map.entry("meshplane.signal.buffer.max-bytes", bufferMaxBytes))).withFallback(ConfigFactory.parseMap(Map.of(
        "meshplane.signal.port", 0,
        "meshplane.signal.buffer.max-messages", bufferMax,
        "meshplane.signal.buffer.max-age", MAX_AGE.toMillis() + "ms",
        "meshplane.signal.connection-queue-size", 16,
        "meshplane.signal.attach-timeout", "5s",
        "meshplane.signal.idle-passivation", IDLE.toMillis() + "ms",
        "meshplane.signal.keepalive.ping-interval", "0s",
        "meshplane.signal.keepalive.ping-timeout", "0s",
        "meshplane.signal.drain-timeout", "1s")))
        .withFallback(ConfigFactory.defaultReference());
    return SettingsReader.read(config, SignalSettings::read);
  }

  private ActorRef<PeerSession.Command> session(int bufferMax) {
    return session("peer-b", settings(bufferMax), new SignalByteBudget(NODE_BYTES, metrics));
  }

  private ActorRef<PeerSession.Command> session(String key, SignalSettings settings, SignalByteBudget budget) {
    return testKit.spawn(PeerSession.create(key, settings, metrics, budget, shard.ref(), clock::get,
        successor.ref()::tell));
  }

  /** A stand-in connection actor that forwards what it gets to a probe and can be stopped. */
  private ActorRef<SignalConnection.Command> connection(TestProbe<SignalConnection.Command> probe) {
    Behavior<SignalConnection.Command> forward = Behaviors.receiveMessage(m -> {
      probe.ref().tell(m);
      return Behaviors.same();
    });
    return testKit.spawn(forward);
  }

  private static byte[] msg(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void expectPush(TestProbe<SignalConnection.Command> probe, String text) {
    SignalConnection.Push push = probe.expectMessageClass(SignalConnection.Push.class);
    assertArrayEquals(msg(text), push.message(), "pushed message");
  }

  /** The session has processed its Delivers when the gauge shows them: time may move then. */
  private void awaitBuffered(long count) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(count, metrics.bufferedNow());
      return null;
    });
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
    manualTime.timePasses(d);
  }

  @Test
  void bufferBeyondItsBytesDropsTheOldest() {
    ActorRef<PeerSession.Command> session =
        session("peer-b", settings(8, "1000"), new SignalByteBudget(NODE_BYTES, metrics));
    for (int i = 1; i <= 3; i++) {
      session.tell(new PeerSession.Deliver(sized(i, 400)));
    }
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(1, metrics.droppedCount(DropReason.BUFFER_FULL));
      assertEquals(2, metrics.bufferedNow());
      return null;
    });
    assertEquals(800, metrics.bufferedBytes());

    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    session.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    assertEquals(2, probe.expectMessageClass(SignalConnection.Push.class).message()[0]);
    assertEquals(3, probe.expectMessageClass(SignalConnection.Push.class).message()[0]);
    // The pushes can arrive before the session has cleared its buffer.
    Await.until(Duration.ofSeconds(3), "the flushed bytes released", () -> metrics.bufferedBytes() == 0);
  }

  @Test
  void sessionsShareTheNodesByteBudget() {
    SignalByteBudget budget = new SignalByteBudget(1000, metrics);
    ActorRef<PeerSession.Command> first = session("peer-1", settings(8), budget);
    ActorRef<PeerSession.Command> second = session("peer-2", settings(8), budget);
    first.tell(new PeerSession.Deliver(sized(1, 400)));
    first.tell(new PeerSession.Deliver(sized(2, 400)));
    awaitBuffered(2);
    second.tell(new PeerSession.Deliver(sized(3, 400)));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(1, metrics.droppedCount(DropReason.NODE_BUFFER_FULL));
      return null;
    });
    assertEquals(2, metrics.bufferedNow());

    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    first.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    probe.expectMessageClass(SignalConnection.Push.class);
    probe.expectMessageClass(SignalConnection.Push.class);
    Await.until(Duration.ofSeconds(3), "the flushed bytes released", () -> metrics.bufferedBytes() == 0);
    second.tell(new PeerSession.Deliver(sized(4, 400)));
    awaitBuffered(1);
    assertEquals(400, metrics.bufferedBytes());
  }

  /** {@code size} bytes, the first of which is {@code tag}. */
  private static byte[] sized(int tag, int size) {
    byte[] message = new byte[size];
    message[0] = (byte) tag;
    return message;
  }

  @Test
  void attachIsAcknowledgedWithThePeerKey() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    session.tell(new PeerSession.Attach(connection(probe)));
    assertEquals(new SignalConnection.Attached("peer-b"), probe.receiveMessage());
  }

  @Test
  void deliversToTheAttachedConnectionInOrder() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    session.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    for (int i = 0; i < 50; i++) {
      session.tell(new PeerSession.Deliver(msg("m" + i)));
    }
    for (int i = 0; i < 50; i++) {
      expectPush(probe, "m" + i);
    }
  }

  @Test
  void buffersWithoutConnectionAndFlushesAfterAttachedOnAttach() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    session.tell(new PeerSession.Deliver(msg("early-1")));
    session.tell(new PeerSession.Deliver(msg("early-2")));
    probe.expectNoMessage(Duration.ofMillis(50));

    session.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    expectPush(probe, "early-1");
    expectPush(probe, "early-2");
    assertEquals(0, metrics.bufferedNow());
  }

  @Test
  void fullBufferDropsTheOldestAndCountsIt() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(3);
    for (int i = 1; i <= 5; i++) {
      session.tell(new PeerSession.Deliver(msg("m" + i)));
    }
    session.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    expectPush(probe, "m3");
    expectPush(probe, "m4");
    expectPush(probe, "m5");
    probe.expectNoMessage(Duration.ofMillis(50));
    assertEquals(2, metrics.droppedCount(DropReason.BUFFER_FULL));
  }

  @Test
  void bufferedMessagesExpireAfterMaxAge() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    session.tell(new PeerSession.Deliver(msg("old")));
    awaitBuffered(1);
    advance(Duration.ofSeconds(20));
    session.tell(new PeerSession.Deliver(msg("young")));
    awaitBuffered(2);
    advance(Duration.ofSeconds(11));

    session.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    expectPush(probe, "young");
    probe.expectNoMessage(Duration.ofMillis(50));
    assertEquals(1, metrics.droppedCount(DropReason.BUFFER_EXPIRED));
  }

  @Test
  void expiryTimerDropsWithoutWaitingForAnAttach() {
    ActorRef<PeerSession.Command> session = session(8);
    session.tell(new PeerSession.Deliver(msg("lonely")));
    awaitBuffered(1);
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    advance(MAX_AGE.plusSeconds(1));
    probe.awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(1, metrics.droppedCount(DropReason.BUFFER_EXPIRED));
      assertEquals(0, metrics.bufferedNow());
      return null;
    });
  }

  @Test
  void zeroBufferDropsAtOnceAsNotConnected() {
    ActorRef<PeerSession.Command> session = session(0);
    session.tell(new PeerSession.Deliver(msg("nobody")));
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(1, metrics.droppedCount(DropReason.NOT_CONNECTED));
      return null;
    });
  }

  @Test
  void newerAttachmentReplacesTheOlderOne() {
    TestProbe<SignalConnection.Command> first = testKit.createTestProbe();
    TestProbe<SignalConnection.Command> second = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    ActorRef<SignalConnection.Command> firstRef = connection(first);
    session.tell(new PeerSession.Attach(firstRef));
    first.expectMessageClass(SignalConnection.Attached.class);

    session.tell(new PeerSession.Attach(connection(second)));
    assertEquals(SignalConnection.Replaced.INSTANCE, first.receiveMessage());
    second.expectMessageClass(SignalConnection.Attached.class);

    // The replaced stream's late Detach must not unhook the newer one.
    session.tell(new PeerSession.Detach(firstRef));
    session.tell(new PeerSession.Deliver(msg("to-newest")));
    expectPush(second, "to-newest");
    first.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void acknowledgedDeliveryIsAnsweredWhetherPushedOrBufferedAndRetriesAreDropped() {
    TestProbe<PeerSession.Accepted> acks = testKit.createTestProbe();
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);

    session.tell(new PeerSession.Deliver(msg("buffered"), 7L, acks.ref()));
    assertEquals(new PeerSession.Accepted(7L), acks.receiveMessage(), "buffering is taking responsibility");
    session.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    expectPush(probe, "buffered");

    session.tell(new PeerSession.Deliver(msg("once"), 8L, acks.ref()));
    session.tell(new PeerSession.Deliver(msg("once"), 8L, acks.ref()));
    assertEquals(new PeerSession.Accepted(8L), acks.receiveMessage());
    assertEquals(new PeerSession.Accepted(8L), acks.receiveMessage(), "a retry is answered again");
    expectPush(probe, "once");
    probe.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void stoppingForHandOffPassesTheBufferToTheSuccessorInOrder() {
    ActorRef<PeerSession.Command> session = session(8);
    session.tell(new PeerSession.Deliver(msg("first")));
    session.tell(new PeerSession.Deliver(msg("second")));
    session.tell(PeerSession.Stop.INSTANCE);
    assertArrayEquals(msg("first"), successor.receiveMessage().message());
    assertArrayEquals(msg("second"), successor.receiveMessage().message());
    successor.expectNoMessage(Duration.ofMillis(50));
    assertEquals(0, metrics.bufferedNow());
  }

  @Test
  void reattachOfTheSameConnectionIsHarmless() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    ActorRef<SignalConnection.Command> conn = connection(probe);
    session.tell(new PeerSession.Attach(conn));
    probe.expectMessageClass(SignalConnection.Attached.class);
    session.tell(new PeerSession.Attach(conn));
    assertEquals(new SignalConnection.Attached("peer-b"), probe.receiveMessage(), "no Replaced for itself");
    session.tell(new PeerSession.Deliver(msg("still here")));
    expectPush(probe, "still here");
    assertEquals(0, metrics.droppedCount(DropReason.BUFFER_FULL));
  }

  @Test
  void detachedConnectionNoLongerReceives() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    ActorRef<SignalConnection.Command> conn = connection(probe);
    session.tell(new PeerSession.Attach(conn));
    probe.expectMessageClass(SignalConnection.Attached.class);

    session.tell(new PeerSession.Detach(conn));
    session.tell(new PeerSession.Deliver(msg("after-detach")));
    probe.expectNoMessage(Duration.ofMillis(100));

    TestProbe<SignalConnection.Command> next = testKit.createTestProbe();
    session.tell(new PeerSession.Attach(connection(next)));
    next.expectMessageClass(SignalConnection.Attached.class);
    expectPush(next, "after-detach");
  }

  @Test
  void connectionThatDiesIsForgottenThroughTheWatch() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    ActorRef<SignalConnection.Command> conn = connection(probe);
    session.tell(new PeerSession.Attach(conn));
    probe.expectMessageClass(SignalConnection.Attached.class);

    // No Detach: this is how a connection on a crashed node disappears.
    testKit.stop(conn);
    probe.awaitAssert(Duration.ofSeconds(3), () -> {
      session.tell(new PeerSession.Deliver(msg("after-death")));
      assertTrue(metrics.bufferedNow() > 0, "delivery falls back to the buffer");
      return null;
    });

    TestProbe<SignalConnection.Command> next = testKit.createTestProbe();
    session.tell(new PeerSession.Attach(connection(next)));
    next.expectMessageClass(SignalConnection.Attached.class);
    expectPush(next, "after-death");
  }

  @Test
  void idleSessionAsksToBePassivated() {
    ActorRef<PeerSession.Command> session = session(8);
    advance(IDLE.plusSeconds(1));
    ClusterSharding.Passivate<?> passivate = assertInstanceOf(
        ClusterSharding.Passivate.class, shard.receiveMessage());
    assertEquals(session, passivate.entity());
  }

  @Test
  void attachedSessionIsNotPassivated() {
    TestProbe<SignalConnection.Command> probe = testKit.createTestProbe();
    ActorRef<PeerSession.Command> session = session(8);
    session.tell(new PeerSession.Attach(connection(probe)));
    probe.expectMessageClass(SignalConnection.Attached.class);
    advance(IDLE.plusSeconds(1));
    shard.expectNoMessage(Duration.ofMillis(100));
  }
}
