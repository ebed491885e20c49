package dev.meshplane.actors.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.testkit.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * How long a response waits for the edge to subscribe. Pekko's default here is far below the
 * quiet window, so a response that fell back to it would be cancelled while the tests listen.
 */
class ResponseStreamTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
      "pekko.stream.materializer.subscription-timeout.timeout = 20ms").withFallback(ConfigFactory.load()));
  private static final Materializer materializer = Materializer.matFromSystem(testKit.system());
  private static final Duration WAIT = Duration.ofSeconds(5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ResponseStream.Limits limits(int messages) {
    return new ResponseStream.Limits(messages, Long.MAX_VALUE, new SignalByteBudget(Long.MAX_VALUE,
        new SignalMetrics(new PrometheusRegistry())));
  }

  private static TestProbe<String> watchTermination(ResponseStream stream) {
    TestProbe<String> probe = testKit.createTestProbe();
    stream.terminated().whenComplete((done, failure) -> probe.ref().tell("terminated"));
    return probe;
  }

  @Test
  void anUnsubscribedResponseWaitsAsLongAsItWasToldNotPekkosDefault() {
    ResponseStream stream = ResponseStream.open(limits(4), Duration.ofHours(1), materializer);
    TestProbe<String> terminated = watchTermination(stream);
    terminated.expectNoMessage(Await.QUIET);
    assertEquals(QueueOfferResult.enqueued(), stream.offer("still open".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anUnsubscribedResponseIsCancelledOnceItsTimeoutPassed() {
    ResponseStream stream = ResponseStream.open(limits(4), Duration.ofMillis(100), materializer);
    watchTermination(stream).expectMessage(WAIT, "terminated");
  }

  @Test
  void aStreamThatEndsGivesItsQueuedBytesBackToTheNode() {
    SignalMetrics metrics = new SignalMetrics(new PrometheusRegistry());
    ResponseStream stream = ResponseStream.open(
        new ResponseStream.Limits(100, 100_000, new SignalByteBudget(100_000, metrics)), Duration.ofMillis(100),
        materializer);
    for (int i = 0; i < 50; i++) {
      assertEquals(QueueOfferResult.enqueued(), stream.offer(new byte[1000]));
    }
    assertEquals(QueueOfferResult.dropped(), stream.offer(new byte[99_500]), "beyond the stream's bytes");
    watchTermination(stream).expectMessage(WAIT, "terminated");
    Await.until(WAIT, "no bytes held", () -> metrics.bufferedBytes() == 0);
  }
}
