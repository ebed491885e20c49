package dev.meshplane.bench;

import dev.meshplane.protocol.signal.EncryptedMessage;
import dev.meshplane.protocol.signal.SignalExchangeMethods;
import dev.meshplane.protocol.signal.SignalHeaders;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated peer: its own connection and one ConnectStream on it, opened by a stock grpc-java
 * client exactly as an openzro client opens it (peer id in the request metadata).
 *
 * <p>Messages arriving on the stream go to the {@link SignalFlow} they belong to. Sending is not
 * synchronised here: exactly one flow sends on each stream and serialises its own sends.
 */
final class SignalPeerStream {

  static final Metadata.Key<String> PEER_ID =
      Metadata.Key.of(SignalHeaders.PEER_ID, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> PEER_REGISTERED =
      Metadata.Key.of(SignalHeaders.PEER_REGISTERED, Metadata.ASCII_STRING_MARSHALLER);

  private final String key;
  private final ManagedChannel channel;
  private final ClientCall<EncryptedMessage, EncryptedMessage> call;
  private final CompletableFuture<Void> registered = new CompletableFuture<>();
  private volatile SignalFlow inbound;
  private volatile boolean closing;

  private SignalPeerStream(String key, int port) {
    this.key = key;
    // directExecutor: callbacks run on the connection's event loop instead of hopping to a pool.
    // Both systems are driven this way, so the client costs the same in each.
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext()
        .directExecutor()
        .build();
    this.call = channel.newCall(SignalExchangeMethods.CONNECT_STREAM, CallOptions.DEFAULT);
  }

  static SignalPeerStream open(String key, int port) {
    SignalPeerStream stream = new SignalPeerStream(key, port);
    stream.start();
    return stream;
  }

  private void start() {
    Metadata headers = new Metadata();
    headers.put(PEER_ID, key);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata responseHeaders) {
        if (responseHeaders.containsKey(PEER_REGISTERED)) {
          registered.complete(null);
        }
      }

      @Override
      public void onMessage(EncryptedMessage message) {
        SignalFlow flow = inbound;
        if (flow != null) {
          flow.onDelivered(message);
        }
        call.request(1);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        registered.completeExceptionally(status.asRuntimeException(trailers));
        if (!closing) {
          // Its undelivered messages show up as lost; this says why.
          System.err.println("stream of peer " + key + " ended early: " + status);
        }
      }
    }, headers);
    // One message at a time, as a generated grpc-java stub asks for them.
    call.request(1);
  }

  String key() {
    return key;
  }

  /** Completes when the server sent {@code x-wiretrustee-peer-registered}. */
  CompletableFuture<Void> registered() {
    return registered;
  }

  /** Routes what arrives on this stream to {@code flow}; set before any traffic starts. */
  void deliverTo(SignalFlow flow) {
    this.inbound = flow;
  }

  /** Caller serialises: see the class comment. */
  void send(EncryptedMessage message) {
    call.sendMessage(message);
  }

  void close() {
    closing = true;
    channel.shutdownNow();
  }

  void awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    channel.awaitTermination(timeout, unit);
  }
}
