package dev.meshplane.bootstrap;

import static dev.meshplane.bootstrap.Http2Frames.GOAWAY;
import static dev.meshplane.bootstrap.Http2Frames.HEADERS;
import static dev.meshplane.bootstrap.Http2Frames.RST_STREAM;
import static dev.meshplane.bootstrap.Http2Frames.hpackLiterals;
import static dev.meshplane.bootstrap.Http2Frames.readFrame;
import static dev.meshplane.bootstrap.Http2Frames.startConnection;
import static dev.meshplane.bootstrap.Http2Frames.writeFrame;
import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.meshplane.actors.signal.SignalMetrics;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.SignalExchangeMethods;
import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The signal port's limits against one client that tries to take a node down: message size, the
 * bytes a stream that never reads can pin, over-long peer ids, idle connections and rapid resets.
 * One in-process node with small limits, driven over loopback by grpc-java and raw HTTP/2.
 */
class SignalLimitsIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int MAX_MESSAGE = 8 * 1024;
  private static final int QUEUE_BYTES = 32 * 1024;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final int RESETS_PER_SECOND = 50;

  private static MeshplaneNode node;
  private static SignalMetrics metrics;
  private static SignalTestClient client;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(Map.of(
        "meshplane.signal.max-message-size", MAX_MESSAGE,
        "meshplane.signal.buffer.max-bytes", MAX_MESSAGE,
        "meshplane.signal.connection-queue-max-bytes", QUEUE_BYTES,
        "meshplane.signal.idle-timeout", IDLE_TIMEOUT.toMillis() + "ms",
        "meshplane.signal.keepalive.ping-interval", "1s",
        "meshplane.signal.keepalive.ping-timeout", "500ms",
        "meshplane.signal.max-resets-per-second", RESETS_PER_SECOND));
    metrics = node.signalMetrics();
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

  private static EncryptedMessage sized(String from, String to, int bodyBytes) {
    return EncryptedMessage.newBuilder().setKey(from).setRemoteKey(to)
        .setBody(ByteString.copyFrom(new byte[bodyBytes])).build();
  }

  @Test
  void oversizedSendIsResourceExhaustedAndCountedAndTheNextMessageFlows() throws Exception {
    String a = peer("a");
    String b = peer("b");
    long before = metrics.droppedCount(DropReason.TOO_LARGE);
    try (PeerStream stream = client.connect(b)) {
      assertEquals("1", stream.awaitRegistered(WAIT));
      StatusRuntimeException refused =
          assertThrows(StatusRuntimeException.class, () -> client.send(sized(a, b, MAX_MESSAGE + 1)));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
      assertEquals(before + 1, metrics.droppedCount(DropReason.TOO_LARGE));

      client.send(message(a, b, "still flowing"));
      assertEquals("still flowing", stream.next(WAIT).getBody().toStringUtf8());
      assertEquals(null, stream.poll(Await.QUIET), "the refused message was never delivered");
    }
  }

  @Test
  void oversizedStreamMessageEndsTheStreamWithResourceExhausted() throws Exception {
    String a = peer("a");
    String b = peer("b");
    long before = metrics.droppedCount(DropReason.TOO_LARGE);
    try (PeerStream writer = client.connect(a); PeerStream reader = client.connect(b)) {
      assertEquals("1", writer.awaitRegistered(WAIT));
      assertEquals("1", reader.awaitRegistered(WAIT));
      writer.write(message(a, b, "before"));
      assertEquals("before", reader.next(WAIT).getBody().toStringUtf8());

      writer.write(sized(a, b, MAX_MESSAGE + 1));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, writer.awaitClose(WAIT).getCode());
      assertEquals(before + 1, metrics.droppedCount(DropReason.TOO_LARGE));
      assertEquals(null, reader.poll(Await.QUIET), "the refused message was never delivered");

      client.send(message(a, b, "after"));
      assertEquals("after", reader.next(WAIT).getBody().toStringUtf8());
    }
  }

  /** Refused messages are refused by their length prefix, not collected first. */
  @Test
  void manyHugeSendsLeaveTheHeapFlat() throws Exception {
    EncryptedMessage huge = sized(peer("a"), peer("b"), 4 * 1024 * 1024);
    long before = metrics.droppedCount(DropReason.TOO_LARGE);
    long heapBefore = usedHeapAfterGc();
    for (int i = 0; i < 50; i++) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> client.send(huge));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
    }
    long grown = usedHeapAfterGc() - heapBefore;
    assertEquals(before + 50, metrics.droppedCount(DropReason.TOO_LARGE));
    // 50 messages of 4 MiB are 200 MiB; kept whole, even a few of them would exceed this.
    assertTrue(grown < 32L * 1024 * 1024, "heap grew by " + grown + " bytes");
  }

  @Test
  void streamThatNeverReadsHoldsAtMostItsByteBudget() throws Exception {
    String a = peer("a");
    String silent = peer("silent");
    int size = 4 * 1024;
    int count = 300;
    // A small HTTP/2 window so the client takes little off the server before it stops reading.
    try (SignalTestClient lazy = new SignalTestClient(NettyChannelBuilder.forAddress("127.0.0.1", node.signalPort())
        .usePlaintext().flowControlWindow(64 * 1024).build())) {
      ClientCall<EncryptedMessage, EncryptedMessage> call =
          lazy.channel().newCall(SignalExchangeMethods.CONNECT_STREAM, CallOptions.DEFAULT);
      Metadata headers = new Metadata();
      headers.put(SignalTestClient.PEER_ID, silent);
      CompletableFuture<Metadata> registered = new CompletableFuture<>();
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onHeaders(Metadata responseHeaders) {
          registered.complete(responseHeaders);
        }
      }, headers); // and never call.request(n)
      assertEquals("1", registered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).get(SignalTestClient.PEER_REGISTERED));

      long dropsBefore = metrics.droppedCount(DropReason.SLOW_CONSUMER);
      long forwardedBefore = metrics.forwardedCount();
      for (int i = 0; i < count; i++) {
        client.send(sized(a, silent, size));
        assertTrue(metrics.bufferedBytes() <= QUEUE_BYTES,
            "held " + metrics.bufferedBytes() + " bytes for one stream");
      }
      Await.until(WAIT, "every message queued or dropped", () -> metrics.forwardedCount() - forwardedBefore
          + metrics.droppedCount(DropReason.SLOW_CONSUMER) - dropsBefore == count);
      long taken = metrics.forwardedCount() - forwardedBefore;
      // The queue's bytes, the client's window and the HTTP/2 layer's buffers; far below 300 × 4 KiB.
      assertTrue(taken * size < 512 * 1024, taken + " messages were taken");
      assertTrue(metrics.droppedCount(DropReason.SLOW_CONSUMER) - dropsBefore > 0);
      call.cancel("done", null);
    }
  }

  @Test
  void overLongPeerIdIsInvalidArgument() throws Exception {
    long before = metrics.registrationFailureCount("invalid_id");
    try (PeerStream stream = client.connect("k".repeat(1024))) {
      Status status = stream.awaitClose(WAIT);
      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
    }
    assertEquals(before + 1, metrics.registrationFailureCount("invalid_id"));
  }

  /**
   * Pekko HTTP's HPACK decoder refuses a header value over parsing.max-header-value-length (8k)
   * before the edge sees the call, and closes the whole connection (GOAWAY INTERNAL_ERROR); the
   * node goes on serving.
   */
  @Test
  void hugePeerIdHeaderIsRefusedBeforeTheEdge() throws Exception {
    try (PeerStream stream = client.connect("k".repeat(100 * 1024))) {
      assertEquals(Status.Code.INTERNAL, stream.awaitClose(WAIT).getCode());
    }
    try (PeerStream stream = client.connect(peer("after"))) {
      assertEquals("1", stream.awaitRegistered(WAIT));
    }
  }

  @Test
  void overLongKeysOnSendAreInvalidArgumentAndCounted() {
    long before = metrics.droppedCount(DropReason.INVALID);
    StatusRuntimeException longRemoteKey = assertThrows(StatusRuntimeException.class,
        () -> client.send(message(peer("a"), "k".repeat(1024), "hello")));
    assertEquals(Status.Code.INVALID_ARGUMENT, longRemoteKey.getStatus().getCode());
    StatusRuntimeException longKey = assertThrows(StatusRuntimeException.class,
        () -> client.send(message("k".repeat(1024), peer("b"), "hello")));
    assertEquals(Status.Code.INVALID_ARGUMENT, longKey.getStatus().getCode());
    assertEquals(before + 2, metrics.droppedCount(DropReason.INVALID));
  }

  /** A connection that never sends the preface is closed after the idle timeout. */
  @Test
  void silentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.signalPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      long start = System.nanoTime();
      awaitClosed(socket);
      Duration open = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(open.compareTo(IDLE_TIMEOUT.minusMillis(200)) >= 0, "closed after " + open);
    }
  }

  /** A connection that opened no stream is closed after the idle timeout too. */
  @Test
  void connectionWithoutStreamsIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.signalPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      startConnection(socket.getOutputStream());
      awaitClosed(socket); // after SETTINGS, its ack, perhaps a GOAWAY

    }
  }

  /** An open stream with server pings outlives the idle timeout. */
  @Test
  void streamWithKeepaliveOutlivesTheIdleTimeout() throws Exception {
    String b = peer("b");
    try (PeerStream stream = client.connect(b)) {
      assertEquals("1", stream.awaitRegistered(WAIT));
      long until = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(2).toNanos();
      Await.until(WAIT, "twice the idle timeout passed", () -> System.nanoTime() - until > 0 || stream.isClosed());
      assertEquals(false, stream.isClosed(), "events: " + stream.events());
      client.send(message(peer("a"), b, "alive"));
      assertEquals("alive", stream.next(WAIT).getBody().toStringUtf8());
    }
  }

  /** HTTP/2 rapid reset (CVE-2023-44487): streams opened and cancelled in a loop. */
  @Test
  void rapidResetClosesTheConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.signalPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      startConnection(out);
      byte[] headers = hpackLiterals(
          ":method", "POST", ":scheme", "http", ":path", "/signalexchange.SignalExchange/Send",
          ":authority", "127.0.0.1", "content-type", "application/grpc", "te", "trailers");
      byte[] cancel = {0, 0, 0, 0x8};
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      int streams = RESETS_PER_SECOND * 10;
      for (int i = 0; i < streams; i++) {
        int id = 2 * i + 1;
        writeFrame(burst, HEADERS, 0x4, id, headers);
        writeFrame(burst, RST_STREAM, 0, id, cancel);
      }
      DataInputStream in = new DataInputStream(socket.getInputStream());
      try {
        out.write(burst.toByteArray());
        out.flush();
      } catch (IOException closedWhileWriting) {
        return; // closed before it read all of them: the limit held
      }
      assertThrows(IOException.class, () -> {
        while (true) {
          if (readFrame(in).type() == GOAWAY) {
            throw new EOFException("GOAWAY");
          }
        }
      });
    }
  }

  /** Reads until the server closed the connection (end of stream or reset), failing on the read timeout. */
  private static void awaitClosed(Socket socket) throws IOException {
    byte[] sink = new byte[4096];
    try {
      while (socket.getInputStream().read(sink) >= 0) {
        // what the server sent before closing
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the connection is still open after " + WAIT, stillOpen);
    } catch (SocketException reset) {
      // closed with a reset: Pekko HTTP aborts connections on its idle timeout
    }
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
