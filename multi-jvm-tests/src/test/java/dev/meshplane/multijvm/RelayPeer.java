package dev.meshplane.multijvm;

import dev.meshplane.protocol.relay.AuthTokenV2;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayAuthSecret;
import dev.meshplane.protocol.relay.RelayMessage;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.relay.RelayProtocolException;
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
import java.util.concurrent.TimeoutException;

/**
 * One relay connection of a peer, as the Go client holds it: a WebSocket to {@code /relay},
 * authenticated with a v2 token, answering the server's health checks. Built on the JDK's client
 * so the node is checked against code it shares nothing with. A peer that moves to another node
 * opens a new {@code RelayPeer} with the same public key (the relay has no session resumption).
 */
final class RelayPeer implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** The Go client waits this long for the AuthResponse (spec §4.1). */
  private static final Duration HANDSHAKE_WAIT = Duration.ofSeconds(8);
  private static final Duration SEND_WAIT = Duration.ofSeconds(5);
  /** Long enough to outlive a whole test run; the server checks expiry only at handshake. */
  private static final long TOKEN_LIFETIME_SECONDS = 3600;

  final String publicKey;
  final PeerId id;
  final String instanceUrl;
  private final Inbox inbox;
  private final WebSocket socket;

  private RelayPeer(String publicKey, Inbox inbox, WebSocket socket, String instanceUrl) {
    this.publicKey = publicKey;
    this.id = PeerId.fromPublicKey(publicKey);
    this.inbox = inbox;
    this.socket = socket;
    this.instanceUrl = instanceUrl;
  }

  /** Opens and authenticates; fails unless the first server message is an AuthResponse. */
  static RelayPeer connect(int relayPort, String publicKey, String relaySecret) throws Exception {
    Inbox inbox = new Inbox();
    WebSocket socket = HTTP.newWebSocketBuilder().connectTimeout(HANDSHAKE_WAIT)
        .buildAsync(URI.create("ws://127.0.0.1:" + relayPort + "/relay"), inbox)
        .get(HANDSHAKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    inbox.attach(socket);
    byte[] token = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret(relaySecret))
        .generate(System.currentTimeMillis() / 1000 + TOKEN_LIFETIME_SECONDS);
    inbox.send(RelayMessageCodec.encode(new RelayMessage.Auth(PeerId.fromPublicKey(publicKey), token)))
        .get(SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    RelayMessage first = inbox.received.poll(HANDSHAKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (!(first instanceof RelayMessage.AuthResponse response)) {
      socket.abort();
      throw new AssertionError(publicKey + ": expected AuthResponse from relay port " + relayPort + ", got " + first
          + (inbox.closed.isDone() ? " (" + inbox.closed.getNow("") + ")" : ""));
    }
    return new RelayPeer(publicKey, inbox, socket, response.instanceUrl());
  }

  /** Sends one Transport addressed to {@code destination}; the relay puts our ID in its place. */
  void send(PeerId destination, byte[] payload) throws Exception {
    inbox.send(RelayMessageCodec.encode(new RelayMessage.Transport(destination, payload)))
        .get(SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next Transport delivered to this peer within {@code wait}, or null. */
  RelayMessage.Transport pollTransport(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      if (inbox.problem != null) {
        throw new AssertionError(publicKey + ": undecodable message from the relay", inbox.problem);
      }
      RelayMessage message = inbox.received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (message == null || message instanceof RelayMessage.Transport) {
        return (RelayMessage.Transport) message;
      }
      // Peer-state notifications and the like are not what these tests look at.
    }
  }

  /** Waits until the server side has gone (close frame, reset or EOF); how it went, for messages. */
  String awaitClosed(Duration wait) throws Exception {
    try {
      return inbox.closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(publicKey + ": relay connection still open after " + wait);
    }
  }

  @Override
  public void close() {
    socket.abort();
  }

  /**
   * The listener: reassembles binary messages, echoes health checks at once (as the Go client
   * does, else the server drops the peer after ~45 s), queues the rest decoded.
   */
  private static final class Inbox implements WebSocket.Listener {
    final BlockingQueue<RelayMessage> received = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    volatile RelayProtocolException problem;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private WebSocket socket;
    private CompletableFuture<WebSocket> sendChain = CompletableFuture.completedFuture(null);

    /**
     * The JDK client allows one outstanding send per socket; health-check echoes from the
     * listener thread and sends from test threads are therefore chained.
     */
    synchronized CompletableFuture<WebSocket> send(byte[] message) {
      WebSocket target = socket;
      sendChain = sendChain.handle((ok, failure) -> null)
          .thenCompose(ignored -> target.sendBinary(ByteBuffer.wrap(message), true));
      return sendChain;
    }

    /** The JDK does not promise that onOpen runs before buildAsync completes, so both set it. */
    synchronized void attach(WebSocket webSocket) {
      socket = webSocket;
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
        byte[] bytes = partial.toByteArray();
        partial.reset();
        try {
          RelayMessage message = RelayMessageCodec.decode(bytes);
          if (message == RelayMessage.HealthCheck.INSTANCE) {
            send(bytes);
          } else {
            received.add(message);
          }
        } catch (RelayProtocolException e) {
          problem = e;
        }
      }
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
