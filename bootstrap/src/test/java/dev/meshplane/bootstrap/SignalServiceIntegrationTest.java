package dev.meshplane.bootstrap;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One in-process node, driven by a stock grpc-java client over loopback. */
class SignalServiceIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static MeshplaneNode node;
  private static SignalTestClient client;

  @BeforeAll
  static void startNode() {
    // A short buffer age so the absent-peer case ends in a counted drop within the test.
    node = TestNodes.start(Map.of("meshplane.signal.buffer.max-age", "4s"));
    client = new SignalTestClient("127.0.0.1", node.signalPort());
  }

  @AfterAll
  static void stopNode() {
    client.close();
    node.shutdown();
  }

  private static String peer(String name) {
    return name + "-" + UUID.randomUUID();
  }

  @Test
  void registeredHeaderArrivesBeforeAnyMessage() throws Exception {
    String a = peer("a");
    String b = peer("b");
    // Buffered while b is away, so it is ready to flush the moment b attaches.
    client.send(message(a, b, "waiting"));
    try (PeerStream stream = client.connect(b)) {
      assertEquals("1", stream.awaitRegistered(WAIT));
      assertEquals("waiting", stream.next(WAIT).getBody().toStringUtf8());
      assertEquals("headers", stream.events().get(0), "events: " + stream.events());
    }
  }

  @Test
  void sendIsDeliveredByteIdenticalAndAnsweredEmpty() throws Exception {
    String a = peer("a");
    String b = peer("b");
    try (PeerStream streamB = client.connect(b)) {
      streamB.awaitRegistered(WAIT);
      EncryptedMessage sent = message(a, b, "offer");
      EncryptedMessage reply = client.send(sent);
      assertEquals(EncryptedMessage.getDefaultInstance(), reply);
      assertEquals(sent, streamB.next(WAIT));
    }
  }

  @Test
  void messagesWrittenOnTheSendersOwnStreamAreRouted() throws Exception {
    String a = peer("a");
    String b = peer("b");
    try (PeerStream streamA = client.connect(a); PeerStream streamB = client.connect(b)) {
      streamA.awaitRegistered(WAIT);
      streamB.awaitRegistered(WAIT);
      streamA.write(message(a, b, "candidate"));
      EncryptedMessage got = streamB.next(WAIT);
      assertEquals(a, got.getKey());
      assertEquals("candidate", got.getBody().toStringUtf8());
    }
  }

  @Test
  void burstOfTwoThousandArrivesInOrderWithNoneLost() throws Exception {
    String a = peer("a");
    String b = peer("b");
    int count = 2_000;
    try (PeerStream streamA = client.connect(a); PeerStream streamB = client.connect(b)) {
      streamA.awaitRegistered(WAIT);
      streamB.awaitRegistered(WAIT);
      for (int i = 0; i < count; i++) {
        streamA.write(message(a, b, Integer.toString(i)));
      }
      for (int i = 0; i < count; i++) {
        assertEquals(Integer.toString(i), streamB.next(WAIT).getBody().toStringUtf8(), "message " + i);
      }
      assertEquals(null, streamB.poll(Await.QUIET), "no duplicates");
    }
  }

  @Test
  void missingPeerIdIsFailedPrecondition() throws Exception {
    long before = node.signalMetrics().registrationFailureCount("missing_id");
    try (PeerStream stream = client.connect(new Metadata())) {
      Status status = stream.awaitClose(WAIT);
      assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
      assertTrue(status.getDescription().contains("x-wiretrustee-peer-id"), status.getDescription());
    }
    assertEquals(before + 1, node.signalMetrics().registrationFailureCount("missing_id"));
  }

  @Test
  void absentDestinationGetsEmptyReplyAndTheDropIsCounted() throws Exception {
    long before = node.signalMetrics().droppedCount(DropReason.BUFFER_EXPIRED);
    EncryptedMessage reply = client.send(message(peer("a"), peer("nobody"), "into the void"));
    assertEquals(EncryptedMessage.getDefaultInstance(), reply);
    Await.until(WAIT, "buffer_expired drop counted",
        () -> node.signalMetrics().droppedCount(DropReason.BUFFER_EXPIRED) == before + 1);
  }

  @Test
  void healthProbeIsAnsweredAtOnce() {
    EncryptedMessage reply = client.send(message(peer("a"), "dummy", ""));
    assertEquals(EncryptedMessage.getDefaultInstance(), reply);
  }

  @Test
  void emptyRemoteKeyIsInvalidArgument() {
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> client.send(message(peer("a"), "", "x")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void secondConnectionReplacesTheFirst() throws Exception {
    String a = peer("a");
    String b = peer("b");
    try (SignalTestClient otherHost = new SignalTestClient("127.0.0.1", node.signalPort());
        PeerStream first = client.connect(b)) {
      first.awaitRegistered(WAIT);
      try (PeerStream second = otherHost.connect(b)) {
        second.awaitRegistered(WAIT);
        assertEquals(Status.Code.OK, first.awaitClose(WAIT).getCode(), "older stream completed");
        client.send(message(a, b, "to-newest"));
        assertEquals("to-newest", second.next(WAIT).getBody().toStringUtf8());
      }
    }
  }

  @Test
  void metricsEndpointExposesSignalCounters() throws Exception {
    String a = peer("a");
    String b = peer("b");
    try (PeerStream streamB = client.connect(b)) {
      streamB.awaitRegistered(WAIT);
      client.send(message(a, b, "count me"));
      streamB.next(WAIT);
    }
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    String body = response.body();
    for (String name : new String[] {"active_peers", "messages_forwarded_total", "registrations_total",
        "registration_failures_total", "signal_messages_dropped_total", "signal_buffered_messages"}) {
      assertTrue(body.contains(name), "metrics lack " + name);
    }
    assertTrue(node.signalMetrics().forwardedCount() > 0);
  }
}
