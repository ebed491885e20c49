package dev.meshplane.protocol.signal.testkit;

import dev.meshplane.protocol.signal.EncryptedMessage;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One open ConnectStream: what arrived, in which order, and how it ended. */
public final class PeerStream implements AutoCloseable {

  /** What the client saw, in arrival order: "headers", "message", "close". */
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Metadata> headers = new CompletableFuture<>();
  private final CompletableFuture<Status> closed = new CompletableFuture<>();
  private final LinkedBlockingQueue<EncryptedMessage> received = new LinkedBlockingQueue<>();
  private final ClientCall<EncryptedMessage, EncryptedMessage> call;

  private PeerStream(ClientCall<EncryptedMessage, EncryptedMessage> call) {
    this.call = call;
  }

  static PeerStream start(ClientCall<EncryptedMessage, EncryptedMessage> call, Metadata requestHeaders) {
    PeerStream stream = new PeerStream(call);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata responseHeaders) {
        stream.events.add("headers");
        stream.headers.complete(responseHeaders);
      }

      @Override
      public void onMessage(EncryptedMessage message) {
        stream.events.add("message");
        stream.received.add(message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        stream.events.add("close");
        stream.headers.completeExceptionally(status.asRuntimeException(trailers));
        stream.closed.complete(status);
      }
    }, requestHeaders);
    call.request(Integer.MAX_VALUE);
    return stream;
  }

  /** Waits for the response headers and returns the registered header's value. */
  public String awaitRegistered(Duration timeout) throws Exception {
    return headers.get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(SignalTestClient.PEER_REGISTERED);
  }

  /** The next message, or a TimeoutException. */
  public EncryptedMessage next(Duration timeout) throws InterruptedException, TimeoutException {
    EncryptedMessage message = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (message == null) {
      throw new TimeoutException("no message within " + timeout);
    }
    return message;
  }

  /** A message if one arrives within {@code timeout}, else null. */
  public EncryptedMessage poll(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Writes a message on this peer's own stream (meshplane routes these by remoteKey). */
  public synchronized void write(EncryptedMessage message) {
    call.sendMessage(message);
  }

  public Status awaitClose(Duration timeout) throws Exception {
    return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  @Override
  public void close() {
    call.cancel("test done", null);
  }
}
