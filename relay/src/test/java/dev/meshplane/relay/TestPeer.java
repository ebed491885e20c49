package dev.meshplane.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.relay.RelayMessageType;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A relay peer made of the JDK's {@link java.net.http.WebSocket}, independent of Pekko, so the
 * tests check the server against a client that shares none of its code. Health checks are answered
 * automatically (as the Go client does) unless disabled.
 */
final class TestPeer implements WebSocket.Listener {

  static final Duration WAIT = Duration.ofSeconds(5);

  final PeerId id;
  private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private volatile boolean reading = true;
  private volatile boolean answerHealthChecks = true;
  private WebSocket socket;
  private CompletableFuture<WebSocket> sendChain = CompletableFuture.completedFuture(null);

  private TestPeer(PeerId id) {
    this.id = id;
  }

  /** Opens the WebSocket without authenticating. */
  static TestPeer connect(HttpClient client, URI uri, String publicKey) throws Exception {
    TestPeer peer = new TestPeer(PeerId.fromPublicKey(publicKey));
    peer.socket = client.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, peer)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return peer;
  }

  /** Opens the WebSocket, sends Auth with {@code token} and expects an AuthResponse. */
  static TestPeer authenticated(HttpClient client, URI uri, String publicKey, byte[] token) throws Exception {
    TestPeer peer = connect(client, uri, publicKey);
    peer.send(RelayMessageCodec.encode(new Auth(peer.id, token)));
    byte[] response = peer.receive();
    assertEquals(RelayMessageType.AUTH_RESPONSE.code(), response[1], "first server message must be AuthResponse");
    return peer;
  }

  void send(byte[] message) throws Exception {
    enqueueSend(message).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * The JDK allows one outstanding binary send per socket; health-check echoes from the listener
   * and sends from the test thread are therefore chained.
   */
  private synchronized CompletableFuture<WebSocket> enqueueSend(byte[] message) {
    sendChain = sendChain.handle((ok, failure) -> null)
        .thenCompose(ignored -> socket.sendBinary(ByteBuffer.wrap(message), true));
    return sendChain;
  }

  /** Sends one message as two WebSocket frames (a fragmented message), split after {@code firstPart} bytes. */
  void sendFragmented(byte[] message, int firstPart) throws Exception {
    CompletableFuture<WebSocket> done;
    synchronized (this) {
      byte[] head = java.util.Arrays.copyOfRange(message, 0, firstPart);
      byte[] tail = java.util.Arrays.copyOfRange(message, firstPart, message.length);
      sendChain = sendChain.handle((ok, failure) -> null)
          .thenCompose(ignored -> socket.sendBinary(ByteBuffer.wrap(head), false))
          .thenCompose(ignored -> socket.sendBinary(ByteBuffer.wrap(tail), true));
      done = sendChain;
    }
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  void sendText(String text) throws Exception {
    socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Next message other than a HealthCheck, or fail after {@link #WAIT}. */
  byte[] receive() throws InterruptedException {
    byte[] message = poll(WAIT);
    assertNotNull(message, "no message within " + WAIT);
    return message;
  }

  /** Next message other than a HealthCheck within {@code wait}, or null. */
  byte[] poll(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      byte[] message = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (message == null || !isHealthCheck(message)) {
        return message;
      }
    }
  }

  /** Raw next message including HealthChecks. */
  byte[] pollRaw(Duration wait) throws InterruptedException {
    return received.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  void expect(byte[] expected) throws InterruptedException {
    assertArrayEquals(expected, receive());
  }

  /** Waits for the server to close the connection; returns how ("close 1000", "error ..."). */
  String awaitClosed() throws Exception {
    try {
      return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return fail("connection still open after " + WAIT);
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** Stop taking messages off the socket: the server's writes back up as for a stalled peer. */
  void stopReading() {
    reading = false;
  }

  void stopAnsweringHealthChecks() {
    answerHealthChecks = false;
  }

  int receivedCount() {
    return received.size();
  }

  void abort() {
    socket.abort();
  }

  void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
    }
    socket.abort();
  }

  // ------------------------------------------------------------ WebSocket.Listener

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partial.write(chunk, 0, chunk.length);
    if (last) {
      byte[] message = partial.toByteArray();
      partial.reset();
      if (isHealthCheck(message) && answerHealthChecks) {
        enqueueSend(message.clone());
      }
      received.add(message);
    }
    if (reading) {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    received.add(("TEXT:" + data).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete("close " + statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete("error " + error);
  }

  private static boolean isHealthCheck(byte[] message) {
    return message.length == 2 && message[0] == 1 && message[1] == RelayMessageType.HEALTH_CHECK.code();
  }
}
