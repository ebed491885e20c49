package dev.meshplane.actors.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.testkit.Await;
import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One {@link SignalConnection} against a probe standing in for its session and a real {@link
 * ResponseStream}, read (or not) the way the gRPC edge reads it.
 */
class SignalConnectionTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
  private static final ManualTime manualTime = ManualTime.get(testKit.system());
  private static final Materializer materializer = Materializer.matFromSystem(testKit.system());

  private static final String PEER = "peer-a";
  private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(10);
  private static final int QUEUE_SIZE = 4;
  /** Far beyond any time these tests let pass, so the unread response is never cancelled for it. */
  private static final Duration SUBSCRIPTION_TIMEOUT = Duration.ofHours(1);
  private static final Duration WAIT = Duration.ofSeconds(5);

  private SignalMetrics metrics;
  private TestProbe<PeerSession.Command> session;
  private TestProbe<SignalConnection.Registration> registration;
  private ResponseStream stream;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    metrics = new SignalMetrics(new PrometheusRegistry());
    session = testKit.createTestProbe();
    registration = testKit.createTestProbe();
    stream = ResponseStream.open(
        new ResponseStream.Limits(QUEUE_SIZE, Long.MAX_VALUE, new SignalByteBudget(Long.MAX_VALUE, metrics)),
        SUBSCRIPTION_TIMEOUT, materializer);
  }

  /** A new connection; it has sent its first Attach once this returns. */
  private ActorRef<SignalConnection.Command> open() {
    ActorRef<SignalConnection.Command> connection = testKit.spawn(SignalConnection.create(
        new SignalConnections.Open(PEER, stream, registration.ref()), session.ref(),
        new SignalConnection.Shared(ATTACH_TIMEOUT, metrics)));
    session.expectMessage(new PeerSession.Attach(connection));
    return connection;
  }

  /** A connection whose session accepted it. */
  private ActorRef<SignalConnection.Command> attached() {
    ActorRef<SignalConnection.Command> connection = open();
    connection.tell(new SignalConnection.Attached(PEER));
    registration.expectMessage(SignalConnection.Registered.INSTANCE);
    return connection;
  }

  private static SignalConnection.Push push(String text) {
    return new SignalConnection.Push(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The client's side: every message written, and how the stream ended. */
  private static final class Client {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    Client(ResponseStream stream) {
      stream.responses()
          .runForeach(m -> messages.add(new String(m, StandardCharsets.UTF_8)), materializer)
          .whenComplete((done, failure) -> {
            if (failure == null) {
              ended.complete(null);
            } else {
              ended.completeExceptionally(failure);
            }
          });
    }

    /** Waits for the end; returns the status it failed with, or OK for a normal end. */
    Status awaitEnd() throws Exception {
      try {
        ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return Status.OK;
      } catch (ExecutionException e) {
        return assertInstanceOf(GrpcServiceException.class, e.getCause()).status();
      }
    }
  }

  private void expectStopped(ActorRef<SignalConnection.Command> connection) {
    testKit.createTestProbe().expectTerminated(connection, WAIT);
  }

  @Test
  void attachedIsAnsweredAsRegisteredAndCountsThePeer() {
    attached();
    Await.until(WAIT, "one active peer", () -> metrics.activePeers() == 1);
  }

  @Test
  void pushesAreWrittenInOrderAndPushesToAFullQueueAreDroppedAsSlowConsumer() {
    ActorRef<SignalConnection.Command> connection = attached();
    // Nobody reads yet: once the queue (and the stream's own small buffer behind it) is full,
    // the rest is dropped at once instead of waiting for the client.
    int pushed = 10 * QUEUE_SIZE + 100;
    for (int i = 0; i < pushed; i++) {
      connection.tell(push("m" + i));
    }
    Await.until(WAIT, "every push queued or dropped",
        () -> metrics.forwardedCount() + metrics.droppedCount(DropReason.SLOW_CONSUMER) == pushed);
    int queued = (int) metrics.forwardedCount();
    assertTrue(queued >= QUEUE_SIZE && queued < pushed, queued + " of " + pushed + " queued");

    Client client = new Client(stream);
    Await.until(WAIT, "the queued messages written", () -> client.messages.size() == queued);
    // The first ones always fit; the stream may take some off the queue while the rest arrive,
    // so later ones can fit too. Whatever was queued is written in the order it was pushed.
    List<Integer> order = client.messages.stream().map(m -> Integer.parseInt(m.substring(1))).toList();
    assertEquals(IntStream.range(0, QUEUE_SIZE).boxed().toList(), order.subList(0, QUEUE_SIZE));
    assertEquals(order.stream().sorted().distinct().toList(), order, "written in push order");
    connection.tell(push("after"));
    Await.until(WAIT, "a push into the drained queue written", () -> client.messages.size() == queued + 1);
    assertEquals("after", client.messages.get(queued));
  }

  @Test
  void replacedCompletesTheStreamNormallyAfterWhatWasQueued() throws Exception {
    ActorRef<SignalConnection.Command> connection = attached();
    Client client = new Client(stream);
    connection.tell(push("a"));
    connection.tell(push("b"));
    connection.tell(SignalConnection.Replaced.INSTANCE);
    expectStopped(connection);

    assertEquals(Status.Code.OK, client.awaitEnd().getCode());
    assertEquals(List.of("a", "b"), client.messages);
    Await.until(WAIT, "the peer no longer counted", () -> metrics.activePeers() == 0);
  }

  @Test
  void drainWaitsForTheSessionsConfirmationWritesEverythingQueuedThenEndsWithUnavailable() throws Exception {
    ActorRef<SignalConnection.Command> connection = attached();
    Client client = new Client(stream);
    connection.tell(push("before"));
    connection.tell(new SignalConnection.Drain("rebalancing"));
    session.expectMessage(new PeerSession.Detach(connection, true));
    // Pushed by the session before it read Detach: still written.
    connection.tell(push("crossed"));
    Await.until(WAIT, "both messages written", () -> client.messages.size() == 2);
    session.expectNoMessage(Await.QUIET);
    assertFalse(client.ended.isDone(), "the stream ended before the session confirmed");

    connection.tell(SignalConnection.Detached.INSTANCE);
    Status status = client.awaitEnd();
    assertEquals(Status.Code.UNAVAILABLE, status.getCode());
    assertEquals("rebalancing", status.getDescription());
    assertEquals(List.of("before", "crossed"), client.messages);
    expectStopped(connection);
  }

  @Test
  void drainEndsWithUnavailableWhenTheSessionNeverConfirms() throws Exception {
    ActorRef<SignalConnection.Command> connection = attached();
    Client client = new Client(stream);
    connection.tell(push("queued"));
    connection.tell(new SignalConnection.Drain("node is shutting down"));
    session.expectMessage(new PeerSession.Detach(connection, true));
    Await.until(WAIT, "the queued message written", () -> client.messages.size() == 1);
    assertFalse(client.ended.isDone(), "the stream ended before the confirmation timed out");
    manualTime.timePasses(Duration.ofSeconds(2));

    Status status = client.awaitEnd();
    assertEquals(Status.Code.UNAVAILABLE, status.getCode());
    assertEquals("node is shutting down", status.getDescription());
    assertEquals(List.of("queued"), client.messages);
    expectStopped(connection);
  }

  @Test
  void theClientGoingAwayTellsTheSessionDetachAndStops() {
    ActorRef<SignalConnection.Command> connection = attached();
    stream.responses().runWith(Sink.cancelled(), materializer);
    session.expectMessage(new PeerSession.Detach(connection, false));
    expectStopped(connection);
    Await.until(WAIT, "the peer no longer counted", () -> metrics.activePeers() == 0);
  }

  @Test
  void attachIsSentAgainEverySecondUntilTheSessionAnswers() {
    ActorRef<SignalConnection.Command> connection = open();
    manualTime.timePasses(Duration.ofSeconds(1));
    session.expectMessage(new PeerSession.Attach(connection));
    manualTime.timePasses(Duration.ofSeconds(1));
    session.expectMessage(new PeerSession.Attach(connection));

    connection.tell(new SignalConnection.Attached(PEER));
    registration.expectMessage(SignalConnection.Registered.INSTANCE);
    manualTime.expectNoMessageFor(Duration.ofSeconds(3), session);
  }

  @Test
  void reattachSendsAttachAgainAndALaterAttachedIsNoSecondRegistration() {
    ActorRef<SignalConnection.Command> connection = attached();
    connection.tell(SignalConnection.Reattach.INSTANCE);
    session.expectMessage(new PeerSession.Attach(connection));

    // The answer of a session that was re-created elsewhere; the Reattach after it shows it was read.
    connection.tell(new SignalConnection.Attached(PEER));
    connection.tell(SignalConnection.Reattach.INSTANCE);
    session.expectMessage(new PeerSession.Attach(connection));
    registration.expectNoMessage(Await.QUIET);
    assertEquals(1, metrics.activePeers(), "the peer counted once");
  }

  @Test
  void noAnswerWithinTheAttachTimeoutFailsTheRegistrationWithInternal() throws Exception {
    ActorRef<SignalConnection.Command> connection = open();
    manualTime.timePasses(ATTACH_TIMEOUT);

    SignalConnection.RegistrationFailed failed =
        assertInstanceOf(SignalConnection.RegistrationFailed.class, registration.receiveMessage());
    assertEquals(Status.Code.INTERNAL, failed.status().getCode());
    assertEquals("error while registering message listener", failed.status().getDescription());
    assertEquals(1, metrics.registrationFailureCount("failed_registration"));
    expectStopped(connection);
    // The edge never subscribes to a stream that failed to register; it is completed all the same.
    stream.terminated().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(0, metrics.activePeers());
  }

  @Test
  void aStreamClosedBeforeRegistrationFailsItWithUnavailable() {
    ActorRef<SignalConnection.Command> connection = open();
    stream.responses().runWith(Sink.cancelled(), materializer);

    SignalConnection.RegistrationFailed failed =
        assertInstanceOf(SignalConnection.RegistrationFailed.class, registration.receiveMessage());
    assertEquals(Status.Code.UNAVAILABLE, failed.status().getCode());
    assertEquals("stream closed before registration", failed.status().getDescription());
    session.expectMessage(new PeerSession.Detach(connection, false));
    expectStopped(connection);
  }
}
