package dev.meshplane.relay.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.meshplane.protocol.relay.AuthTokenV2;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayAuthSecret;
import dev.meshplane.protocol.relay.RelayMessage;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.relay.RelayMessageType;
import dev.meshplane.protocol.relay.RelayProtocolException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A relay peer made of the JDK's {@link java.net.http.WebSocket}, sharing no code with the server,
 * so the relay is checked against a client that could not hide its mistakes. It answers the
 * server's health checks at once, as the Go client does (openzro relay/client/client.go,
 * handleHealthCheck), unless told not to. Used by the relay module's tests against an in-process
 * server and by multi-jvm-tests against node processes. A peer that moves to another node opens a
 * new one with the same public key: the relay has no session resumption.
 */
public final class RelayTestPeer implements AutoCloseable {

  /** Deadline for a send, an expected message or the server's close. */
  public static final Duration WAIT = Duration.ofSeconds(5);
  /**
   * The Go client waits this long for the WebSocket and then for the AuthResponse (openzro
   * relay/client/client.go, serverResponseTimeout).
   */
  private static final Duration HANDSHAKE_WAIT = Duration.ofSeconds(8);
  /** Long enough to outlive a whole test run; the server checks expiry only at handshake. */
  private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String publicKey;
  private final PeerId id;
  private final Inbox inbox;
  private volatile String instanceUrl;

  private RelayTestPeer(String publicKey, Inbox inbox) {
    this.publicKey = publicKey;
    this.id = PeerId.fromPublicKey(publicKey);
    this.inbox = inbox;
  }

  /** Opens the WebSocket without authenticating. */
  public static RelayTestPeer connect(HttpClient client, URI uri, String publicKey) throws Exception {
    Inbox inbox = new Inbox();
    WebSocket socket = client.newWebSocketBuilder().connectTimeout(HANDSHAKE_WAIT).buildAsync(uri, inbox)
        .get(HANDSHAKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    inbox.attach(socket);
    return new RelayTestPeer(publicKey, inbox);
  }

  /**
   * Opens the WebSocket and sends Auth with {@code token}; fails unless the first server message
   * is an AuthResponse, whose instance URL is kept.
   */
  public static RelayTestPeer authenticated(HttpClient client, URI uri, String publicKey, byte[] token)
      throws Exception {
    RelayTestPeer peer = connect(client, uri, publicKey);
    peer.send(RelayMessageCodec.encode(new RelayMessage.Auth(peer.id, token)));
    byte[] first = peer.inbox.received.poll(HANDSHAKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    RelayMessage response = first == null ? null : decodeOrNull(first);
    if (!(response instanceof RelayMessage.AuthResponse authResponse)) {
      peer.abort();
      throw new AssertionError(publicKey + ": expected AuthResponse from " + uri + ", got "
          + (first == null ? "nothing within " + HANDSHAKE_WAIT : Arrays.toString(first))
          + (peer.isClosed() ? " (" + peer.inbox.closed.getNow("") + ")" : ""));
    }
    peer.instanceUrl = authResponse.instanceUrl();
    return peer;
  }

  /** As {@link #authenticated(HttpClient, URI, String, byte[])}, with a token signed with {@code relaySecret}. */
  public static RelayTestPeer authenticated(URI uri, String publicKey, String relaySecret) throws Exception {
    return authenticated(HTTP, uri, publicKey, token(relaySecret));
  }

  /** A v2 relay token signed with {@code relaySecret}, valid for an hour. */
  public static byte[] token(String relaySecret) {
    return AuthTokenV2.withSecret(RelayAuthSecret.fromSecret(relaySecret))
        .generate(Instant.now().plus(TOKEN_LIFETIME).getEpochSecond());
  }

  public String publicKey() {
    return publicKey;
  }

  public PeerId id() {
    return id;
  }

  /** The URL the server's AuthResponse carried; null before authentication. */
  public String instanceUrl() {
    return instanceUrl;
  }

  /** Sends {@code message} as one binary WebSocket message. */
  public void send(byte[] message) throws Exception {
    inbox.send(message).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends one Transport addressed to {@code destination}; the relay puts our ID in its place. */
  public void send(PeerId destination, byte[] payload) throws Exception {
    send(RelayMessageCodec.encodeTransport(destination, payload));
  }

  /** Sends one message as two WebSocket frames (a fragmented message), split after {@code firstPart} bytes. */
  public void sendFragmented(byte[] message, int firstPart) throws Exception {
    inbox.sendFragmented(Arrays.copyOfRange(message, 0, firstPart), Arrays.copyOfRange(message, firstPart,
        message.length)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void sendText(String text) throws Exception {
    inbox.socket().sendText(text, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Next message other than a HealthCheck, or fail after {@link #WAIT}. */
  public byte[] receive() throws InterruptedException {
    byte[] message = poll(WAIT);
    assertNotNull(message, publicKey + ": no message within " + WAIT);
    return message;
  }

  /** Next message other than a HealthCheck within {@code wait}, or null. */
  public byte[] poll(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      byte[] message = inbox.received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (message == null || !isHealthCheck(message)) {
        return message;
      }
    }
  }

  /** Raw next message, HealthChecks included, within {@code wait}, or null. */
  public byte[] pollRaw(Duration wait) throws InterruptedException {
    return inbox.received.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * The next Transport delivered to this peer within {@code wait}, decoded, or null. Messages of
   * other types (health checks, peer-state notifications) are skipped; any message from the relay
   * that does not decode fails the caller.
   */
  public RelayMessage.Transport pollTransport(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      if (inbox.undecodable != null) {
        throw new AssertionError(publicKey + ": undecodable message from the relay", inbox.undecodable);
      }
      byte[] message = inbox.received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (message == null) {
        return null;
      }
      if (decodeOrNull(message) instanceof RelayMessage.Transport transport) {
        return transport;
      }
    }
  }

  /** Fails unless the next message other than a HealthCheck is exactly {@code expected}. */
  public void expect(byte[] expected) throws InterruptedException {
    assertArrayEquals(expected, receive());
  }

  /** Waits up to {@link #WAIT} for the server to close the connection; returns how ("close 1000", "error ..."). */
  public String awaitClosed() throws Exception {
    return awaitClosed(WAIT);
  }

  /** Waits until the server side has gone (close frame, reset or EOF); returns how, for messages. */
  public String awaitClosed(Duration wait) throws Exception {
    try {
      return inbox.closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(publicKey + ": relay connection still open after " + wait);
    }
  }

  public boolean isClosed() {
    return inbox.closed.isDone();
  }

  /** Stop taking messages off the socket: the server's writes back up as for a stalled peer. */
  public void stopReading() {
    inbox.reading = false;
  }

  public void stopAnsweringHealthChecks() {
    inbox.answerHealthChecks = false;
  }

  /** Drops the TCP connection without a WebSocket close: the peer vanished. */
  public void abort() {
    inbox.socket().abort();
  }

  /** Sends a WebSocket close if the socket is still writable, then drops the connection. */
  @Override
  public void close() {
    WebSocket socket = inbox.socket();
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
    }
    socket.abort();
  }

  private static boolean isHealthCheck(byte[] message) {
    return message.length == 2 && message[0] == 1 && message[1] == RelayMessageType.HEALTH_CHECK.code();
  }

  private static RelayMessage decodeOrNull(byte[] message) {
    try {
      return RelayMessageCodec.decode(message);
    } catch (RelayProtocolException e) {
      return null;
    }
  }

  /**
   * The listener: reassembles binary messages, echoes health checks, and queues every message as
   * bytes, text messages as {@code "TEXT:" + text}.
   */
  private static final class Inbox implements WebSocket.Listener {
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    volatile RelayProtocolException undecodable;
    volatile boolean reading = true;
    volatile boolean answerHealthChecks = true;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private WebSocket socket;
    private CompletableFuture<WebSocket> sendChain = CompletableFuture.completedFuture(null);

    /** The JDK does not promise that onOpen runs before buildAsync completes, so both set it. */
    synchronized void attach(WebSocket webSocket) {
      socket = webSocket;
    }

    synchronized WebSocket socket() {
      return socket;
    }

    /**
     * The JDK allows one outstanding binary send per socket; health-check echoes from the listener
     * and sends from test threads are therefore chained.
     */
    synchronized CompletableFuture<WebSocket> send(byte[] message) {
      WebSocket target = socket;
      sendChain = sendChain.handle((ok, failure) -> null)
          .thenCompose(ignored -> target.sendBinary(ByteBuffer.wrap(message), true));
      return sendChain;
    }

    synchronized CompletableFuture<WebSocket> sendFragmented(byte[] head, byte[] tail) {
      WebSocket target = socket;
      sendChain = sendChain.handle((ok, failure) -> null)
          .thenCompose(ignored -> target.sendBinary(ByteBuffer.wrap(head), false))
          .thenCompose(ignored -> target.sendBinary(ByteBuffer.wrap(tail), true));
      return sendChain;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      attach(webSocket);
      webSocket.request(1);
    }

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      partial.writeBytes(chunk);
      if (last) {
        byte[] message = partial.toByteArray();
        partial.reset();
        if (isHealthCheck(message) && answerHealthChecks) {
          send(message.clone());
        }
        checkDecodes(message);
        received.add(message);
      }
      if (reading) {
        webSocket.request(1);
      }
      return null;
    }

    private void checkDecodes(byte[] message) {
      try {
        RelayMessageCodec.decode(message);
      } catch (RelayProtocolException e) {
        undecodable = e;
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      received.add(("TEXT:" + data).getBytes(StandardCharsets.UTF_8));
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
  }
}
