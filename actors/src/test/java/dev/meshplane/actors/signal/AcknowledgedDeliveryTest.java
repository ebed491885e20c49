package dev.meshplane.actors.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.config.SettingsReader;
import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.SignalHeaders;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Trailer;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The hand-off of a Send to the destination's session: attempts go to a probe standing in for
 * the sharding region, which answers or stays silent (as a session on a node that just died).
 * Through {@link SignalGrpcHandler}, the outcome is what the gRPC client sees.
 */
class AcknowledgedDeliveryTest {

  /** The cluster extension is needed by the gRPC handler's sharding lookup, not a formed cluster. */
  private static final ActorTestKit testKit = ActorTestKit.create(ClusterTestKits.clusterNode());

  private static final Duration ATTEMPT = Duration.ofMillis(100);
  private static final Duration BUDGET = Duration.ofMillis(600);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final byte[] MESSAGE = "offer".getBytes(StandardCharsets.UTF_8);
  /** A Send's EncryptedMessage as it goes to the session: serialized, relayed byte-identical. */
  private static final byte[] SIGNAL_MESSAGE = EncryptedMessage.newBuilder().setKey("peer-a").setRemoteKey("peer-b")
      .setBody(ByteString.copyFrom(MESSAGE)).build().toByteArray();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static AcknowledgedDelivery delivery(TestProbe<ShardingEnvelope<PeerSession.Command>> sessions) {
    return new AcknowledgedDelivery(testKit.system(), sessions.ref(), ATTEMPT, BUDGET);
  }

  /** The next attempt the sessions got, checked to be {@code MESSAGE} for {@code peer-b} with a reply address. */
  private static PeerSession.Deliver nextAttempt(TestProbe<ShardingEnvelope<PeerSession.Command>> sessions) {
    return nextAttempt(sessions, MESSAGE);
  }

  private static PeerSession.Deliver nextAttempt(TestProbe<ShardingEnvelope<PeerSession.Command>> sessions,
      byte[] message) {
    ShardingEnvelope<PeerSession.Command> envelope = sessions.receiveMessage(WAIT);
    assertEquals("peer-b", envelope.entityId(), "routed by the destination's key");
    PeerSession.Deliver deliver = (PeerSession.Deliver) envelope.message();
    assertArrayEquals(message, deliver.message(), "the message, unchanged");
    assertNotNull(deliver.replyTo(), "an attempt asks for an answer");
    return deliver;
  }

  private static void accept(PeerSession.Deliver attempt) {
    attempt.replyTo().tell(new PeerSession.Accepted(attempt.messageId()));
  }

  @Test
  void anAnsweredAttemptDeliversOnce() throws Exception {
    TestProbe<ShardingEnvelope<PeerSession.Command>> sessions = testKit.createTestProbe();
    CompletableFuture<Boolean> delivered = delivery(sessions).deliver("peer-b", MESSAGE).toCompletableFuture();
    accept(nextAttempt(sessions));
    assertTrue(delivered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    // Longer than an attempt's timeout: an answered message is not sent again.
    sessions.expectNoMessage(Await.QUIET);
  }

  @Test
  void anUnansweredAttemptIsRetriedWithTheSameId() throws Exception {
    TestProbe<ShardingEnvelope<PeerSession.Command>> sessions = testKit.createTestProbe();
    CompletableFuture<Boolean> delivered = delivery(sessions).deliver("peer-b", MESSAGE).toCompletableFuture();
    PeerSession.Deliver first = nextAttempt(sessions);
    PeerSession.Deliver second = nextAttempt(sessions);
    // The same id lets a session that did get the first attempt drop the retry.
    assertEquals(first.messageId(), second.messageId());
    assertFalse(delivered.isDone(), "no answer yet");
    accept(second);
    assertTrue(delivered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    sessions.expectNoMessage(Await.QUIET);
  }

  @Test
  void withoutAnAnswerItGivesUpOnceTheBudgetIsSpent() throws Exception {
    BlockingQueue<ShardingEnvelope<PeerSession.Command>> attempts = new LinkedBlockingQueue<>();
    ActorRef<ShardingEnvelope<PeerSession.Command>> silentSessions = testKit.spawn(
        Behaviors.receiveMessage(attempt -> {
          attempts.add(attempt);
          return Behaviors.same();
        }));
    long start = System.nanoTime();
    CompletableFuture<Boolean> delivered = new AcknowledgedDelivery(testKit.system(), silentSessions, ATTEMPT, BUDGET)
        .deliver("peer-b", MESSAGE).toCompletableFuture();
    assertFalse(delivered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "not delivered");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(BUDGET) >= 0, "gave up after " + took + ", before the budget of " + BUDGET);

    Set<Long> ids = new HashSet<>();
    int count = 0;
    for (ShardingEnvelope<PeerSession.Command> attempt = attempts.poll(Await.QUIET.toMillis(), TimeUnit.MILLISECONDS);
        attempt != null; attempt = attempts.poll(Await.QUIET.toMillis(), TimeUnit.MILLISECONDS)) {
      ids.add(((PeerSession.Deliver) attempt.message()).messageId());
      count++;
    }
    // Each attempt waits its timeout before the next: about budget / attempt timeout of them.
    long mostAttempts = BUDGET.toMillis() / ATTEMPT.toMillis() + 1;
    assertTrue(count >= 2 && count <= mostAttempts, count + " attempts, expected 2 to " + mostAttempts);
    assertEquals(1, ids.size(), "every retry carries the first attempt's id: " + ids);
  }

  @Test
  void everyMessageHasItsOwnId() throws Exception {
    TestProbe<ShardingEnvelope<PeerSession.Command>> sessions = testKit.createTestProbe();
    AcknowledgedDelivery delivery = delivery(sessions);
    CompletableFuture<Boolean> one = delivery.deliver("peer-b", MESSAGE).toCompletableFuture();
    PeerSession.Deliver first = nextAttempt(sessions);
    CompletableFuture<Boolean> two = delivery.deliver("peer-b", MESSAGE).toCompletableFuture();
    PeerSession.Deliver second = nextAttempt(sessions);
    // Identical bytes sent twice are two messages: the session must not drop the second as a retry.
    assertNotEquals(first.messageId(), second.messageId());
    accept(first);
    accept(second);
    assertTrue(one.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(two.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  // ------------------------------------------------------------ as the gRPC client sees it

  @Test
  void anAcceptedSendIsAnsweredWithAnEmptyMessage() throws Exception {
    TestProbe<ShardingEnvelope<PeerSession.Command>> sessions = testKit.createTestProbe();
    CompletableFuture<HttpResponse> response = send(sessions);
    accept(nextAttempt(sessions, SIGNAL_MESSAGE));
    GrpcAnswer answer = GrpcAnswer.read(response.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals("0", answer.status());
    // One gRPC frame: uncompressed, length 0, the empty EncryptedMessage.
    assertArrayEquals(new byte[5], answer.data());
  }

  @Test
  void aSendNoSessionAnswersFailsWithUnavailable() throws Exception {
    TestProbe<ShardingEnvelope<PeerSession.Command>> sessions = testKit.createTestProbe();
    CompletableFuture<HttpResponse> response = send(sessions);
    GrpcAnswer answer = GrpcAnswer.read(response.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    // UNAVAILABLE: the Go client retries the Send, by then perhaps to the session's new node.
    assertEquals("14", answer.status());
    // Not given up at the first silence: retried within the budget.
    nextAttempt(sessions, SIGNAL_MESSAGE);
    nextAttempt(sessions, SIGNAL_MESSAGE);
  }

  /** A unary Send from peer-a to peer-b, as a gRPC client frames it, handled by the signal edge. */
  private static CompletableFuture<HttpResponse> send(TestProbe<ShardingEnvelope<PeerSession.Command>> sessions) {
    SignalSettings settings = SettingsReader.read(ConfigFactory.parseString(
        "meshplane.signal.send.attempt-timeout = " + ATTEMPT.toMillis() + "ms\n"
            + "meshplane.signal.send.retry-budget = " + BUDGET.toMillis() + "ms")
        .withFallback(ConfigFactory.load()), SignalSettings::read);
    // A Send needs only the sessions; nothing here may reach connections or the rebalancer.
    SignalMetrics metrics = new SignalMetrics(new PrometheusRegistry());
    SignalByteBudget budget = new SignalByteBudget(settings.maxBufferedBytes(), metrics);
    SignalActors actors = new SignalActors(settings, metrics, budget, sessions.ref(), new ConnectionRegistry(),
        testKit.<SignalConnections.Command>createTestProbe().ref(),
        testKit.<ConnectionRebalancer.Command>createTestProbe().ref());
    SignalGrpcHandler handler = new SignalGrpcHandler(testKit.system(), actors);
    byte[] frame = ByteBuffer.allocate(5 + SIGNAL_MESSAGE.length).put((byte) 0).putInt(SIGNAL_MESSAGE.length)
        .put(SIGNAL_MESSAGE).array();
    HttpRequest request = HttpRequest.POST(SignalHeaders.SEND_PATH)
        .withEntity(HttpEntities.create(ContentTypes.parse("application/grpc"), frame));
    return handler.apply(request).toCompletableFuture();
  }

  /** What a gRPC client reads from a unary answer: its status and the bytes of its frames. */
  private record GrpcAnswer(String status, byte[] data) {

    /**
     * Reads the whole answer. grpc-status is in the headers (trailers-only answer), or in the
     * trailer: the response's trailer attribute (strict entity) or the last chunk's headers.
     */
    static GrpcAnswer read(HttpResponse response) throws Exception {
      String status = response.getHeader("grpc-status").map(HttpHeader::value).orElse(null);
      Optional<Trailer> trailer = response.getAttribute(AttributeKeys.trailer);
      if (trailer.isPresent()) {
        for (scala.Tuple2<String, String> header
            : CollectionConverters.asJava(((org.apache.pekko.http.scaladsl.model.Trailer) trailer.get()).headers())) {
          if (header._1().equalsIgnoreCase("grpc-status")) {
            status = header._2();
          }
        }
      }
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      for (HttpEntity.ChunkStreamPart chunk : chunks(response)) {
        data.writeBytes(chunk.data().toArray());
        if (chunk.isLastChunk()) {
          for (HttpHeader header : chunk.getTrailerHeaders()) {
            if (header.is("grpc-status")) {
              status = header.value();
            }
          }
        }
      }
      assertNotNull(status, "no grpc-status in " + response);
      return new GrpcAnswer(status, data.toByteArray());
    }

    private static List<HttpEntity.ChunkStreamPart> chunks(HttpResponse response) throws Exception {
      Materializer materializer = Materializer.matFromSystem(testKit.system());
      if (response.entity() instanceof HttpEntity.Chunked chunked) {
        return chunked.getChunks().runWith(Sink.seq(), materializer).toCompletableFuture()
            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      HttpEntity.Strict strict = response.entity().toStrict(WAIT.toMillis(), materializer).toCompletableFuture()
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return strict.getData().isEmpty() ? List.of() : List.of(HttpEntity.ChunkStreamPart.create(strict.getData()));
    }
  }
}
