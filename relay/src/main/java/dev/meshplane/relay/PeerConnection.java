package dev.meshplane.relay;

import static dev.meshplane.protocol.relay.RelayProtocolLimits.HEADER_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.TRANSPORT_HEADER_SIZE;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayMessage;
import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessage.PeerStateMessage;
import dev.meshplane.protocol.relay.RelayMessage.SubscribePeerState;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.relay.RelayMessageType;
import dev.meshplane.protocol.relay.RelayProtocolException;
import dev.meshplane.protocol.relay.RelayProtocolLimits;
import dev.meshplane.relay.RelayMetrics.Drop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's WebSocket connection: the handshake, the per-message rules (openzro relay/server/peer.go),
 * the health-check timers (openzro relay/healthcheck) and the outbound queues.
 *
 * <p>Inbound messages are handled one at a time on the connection's own stream, so a connection's
 * state needs no lock on its read side. Other connections reach this one only through {@link
 * #deliver} (transport) and {@link #sendControl} (peer-state events), both of which offer to a
 * {@link BoundedSourceQueue} and never block: a full transport queue drops the packet and counts
 * it, so a slow reader costs only its own packets.
 *
 * <pre>
 *   control queue (64)  ──┐ preferred
 *                         ├─ merge ─ kill switch ─► WebSocket out
 *   transport queue (n) ──┘
 *   WebSocket in ─► message bytes (size-limited) ─► onFrame
 * </pre>
 *
 * Control messages (AuthResponse, HealthCheck, peer state, Close) have their own small queue that
 * the merge prefers, so a packet flood can neither delay nor drop a health check.
 */
final class PeerConnection {

  private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

  /**
   * Capacity of the control queue. In normal operation it holds at most a health check and a few
   * peer-state notifications; filling it means the peer stopped reading, and the health check
   * will soon close it.
   */
  static final int CONTROL_QUEUE_SIZE = 64;

  private static final Message HEALTH_CHECK = binary(RelayMessageCodec.encode(RelayMessage.HealthCheck.INSTANCE));
  private static final Message CLOSE = binary(RelayMessageCodec.encode(RelayMessage.Close.INSTANCE));

  private enum State { AWAITING_AUTH, AUTHENTICATED, CLOSED }

  private final RelayRuntime runtime;
  private final String remote;
  /** This connection's place in the node's connection budget; the server releases it on close. */
  private final ConnectionBudget.Slot slot;
  private final long openedNanos = System.nanoTime();
  private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_AUTH);
  private final PeerInterest interest;
  private final CompletableFuture<Done> terminated = new CompletableFuture<>();
  private final AtomicInteger healthCheckFailures = new AtomicInteger();

  /** Set when the HTTP layer materializes {@link #flow()}; no message can arrive before that. */
  private volatile Outbound outbound;
  private volatile PeerId peerId;
  /** {@code 01 03 ‖ own ID}: prepended to payloads delivered from this peer (openzro relay/messages). */
  private volatile ByteString deliveryPrefix;
  private volatile long lastTransportNanos;
  private volatile boolean healthCheckAnswered;
  private volatile Cancellable handshakeTimer;
  private volatile Cancellable healthCheckSender;
  private volatile Cancellable healthCheckEvaluator;

  PeerConnection(RelayRuntime runtime, String remote, ConnectionBudget.Slot slot) {
    this.runtime = runtime;
    this.remote = remote;
    this.slot = slot;
    this.interest = new PeerInterest(this, runtime.store(), runtime.remote());
    // New peers start idle (as openzro's relay metrics count them): their last activity lies before the active window.
    this.lastTransportNanos = openedNanos - RelayMetrics.ACTIVE_WINDOW_NANOS - 1;
  }

  /** The three handles of the outbound side, materialized together with the connection's flow. */
  private record Outbound(BoundedSourceQueue<Message> control, BoundedSourceQueue<Message> transport,
      UniqueKillSwitch killSwitch) {
  }

  /**
   * The WebSocket handler flow; materialized once by the HTTP layer. The queues are materialized
   * inside it (not pre-materialized) so that outbound messages reach the socket without crossing
   * an extra asynchronous boundary.
   */
  Flow<Message, Message, NotUsed> flow() {
    Sink<Message, NotUsed> inbound = Flow.<Message>create()
        .flatMapConcat(this::messageBytes)
        .to(Sink.foreach(this::onFrameSafely));
    Source<Message, Outbound> outboundSource = Source.<Message>queue(CONTROL_QUEUE_SIZE)
        .mergePreferredMat(Source.<Message>queue(runtime.settings().peerQueueSize()), false, false, Pair::create)
        .viaMat(KillSwitches.single(), (queues, killSwitch) -> new Outbound(queues.first(), queues.second(), killSwitch));
    return Flow.fromSinkAndSourceCoupledMat(inbound, outboundSource, Keep.right())
        .mapMaterializedValue(this::attach)
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ok, failure) -> onStreamTerminated(failure));
          return NotUsed.getInstance();
        });
  }

  private NotUsed attach(Outbound materialized) {
    outbound = materialized;
    if (state.get() == State.CLOSED) {
      materialized.killSwitch().shutdown(); // closed before the WebSocket was running
    }
    return NotUsed.getInstance();
  }

  /** Starts the handshake deadline; called once the upgrade is accepted. */
  void startHandshakeTimer() {
    handshakeTimer = runtime.scheduler().scheduleOnce(runtime.settings().handshakeTimeout(), this::onHandshakeTimeout,
        runtime.executor());
  }

  PeerId peerId() {
    return peerId;
  }

  PeerInterest interest() {
    return interest;
  }

  long lastTransportNanos() {
    return lastTransportNanos;
  }

  /** Completes when the WebSocket stream has ended. */
  CompletionStage<Done> terminated() {
    return terminated;
  }

  // ------------------------------------------------------------ inbound

  /**
   * One message as bytes. Strict messages (nearly all) become a single-element source, which
   * {@code flatMapConcat} passes on without materializing anything; a message Pekko HTTP delivers
   * in parts is reassembled inside the same stream, never beyond the phase's size limit.
   */
  private Source<ByteString, NotUsed> messageBytes(Message message) {
    if (message.isText()) {
      log.debug("Closing [{}]: text message on a binary-only protocol", describe());
      close(CloseReason.TEXT_MESSAGE);
      return Source.empty();
    }
    BinaryMessage binary = message.asBinaryMessage();
    if (binary.isStrict()) {
      return Source.single(binary.getStrictData());
    }
    long limit = state.get() == State.AWAITING_AUTH
        ? RelayProtocolLimits.MAX_HANDSHAKE_SIZE : runtime.settings().maxMessageSize();
    return binary.getStreamedData()
        .limitWeighted(limit, chunk -> (long) chunk.size())
        .fold(ByteString.emptyByteString(), ByteString::concat)
        .mapError(Throwable.class, failure -> {
          onUnreadableMessage(failure, limit);
          return failure;
        })
        // The connection is closed by now; end this message quietly instead of failing the stream.
        .recoverWithRetries(1, Throwable.class, Source::empty)
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private void onUnreadableMessage(Throwable failure, long limit) {
    if (!(failure instanceof StreamLimitReachedException)) {
      close(CloseReason.PEER_DISCONNECTED);
    } else if (state.get() == State.AWAITING_AUTH) {
      rejectHandshake("oversize", "handshake message above " + limit + " bytes");
    } else {
      log.info("Closing [{}]: message above {} bytes", describe(), limit);
      close(CloseReason.OVERSIZE);
    }
  }

  /** Never lets an exception out: a bug in handling one message closes only this connection. */
  private void onFrameSafely(ByteString data) {
    try {
      onFrame(data);
    } catch (RuntimeException e) {
      log.error("Closing [{}] after an unexpected error", describe(), e);
      close(CloseReason.INTERNAL_ERROR);
    }
  }

  private void onFrame(ByteString data) {
    switch (state.get()) {
      case AWAITING_AUTH -> onHandshake(data);
      case AUTHENTICATED -> onMessage(data);
      case CLOSED -> { }
    }
  }

  private void onHandshake(ByteString data) {
    Auth auth;
    try {
      auth = RelayMessageCodec.decodeHandshake(data.toArray());
      runtime.tokens().validate(auth.token(), runtime.clock().instant().getEpochSecond());
    } catch (RelayProtocolException e) {
      rejectHandshake(e.reason().label(), e.getMessage());
      return;
    }
    if (!slot.authenticate()) {
      rejectHandshake(ConnectionBudget.Refusal.CONNECTION_LIMIT.label(), "every authenticated slot is taken");
      return;
    }
    if (!state.compareAndSet(State.AWAITING_AUTH, State.AUTHENTICATED)) {
      return; // the handshake timer won the race
    }
    cancel(handshakeTimer);
    peerId = auth.peerId();
    byte[] prefix = new byte[TRANSPORT_HEADER_SIZE];
    prefix[0] = RelayProtocolLimits.VERSION;
    prefix[1] = (byte) RelayMessageType.TRANSPORT.code();
    peerId.writeTo(prefix, HEADER_SIZE);
    deliveryPrefix = ByteString.fromArrayUnsafe(prefix);

    // AuthResponse goes first, then the peer becomes reachable : nothing
    // can be queued for it before it is registered, and control is preferred over transport.
    offerControl(runtime.authResponse());
    runtime.metrics().peerConnected();
    long storeStart = System.nanoTime();
    PeerConnection replaced = runtime.store().register(this);
    runtime.metrics().storeTime(System.nanoTime() - storeStart);
    if (replaced != null && replaced != this) {
      runtime.metrics().reconnection();
      log.info("Peer [{}] authenticated again from {}; closing its older connection", peerId, remote);
      replaced.close(CloseReason.REPLACED);
    }
    if (state.get() == State.CLOSED) {
      // Closed while registering (peer vanished): make sure the store does not keep us.
      runtime.store().unregister(this);
      return;
    }
    runtime.metrics().handshake("ok");
    runtime.metrics().authenticationTime(System.nanoTime() - openedNanos);
    startHealthChecks();
    log.debug("Peer [{}] authenticated from {}", peerId, remote);
  }

  private void rejectHandshake(String result, String detail) {
    if (state.get() != State.AWAITING_AUTH) {
      return;
    }
    runtime.metrics().handshake(result);
    log.info("Rejected relay handshake from {}: {}", remote, detail);
    close(CloseReason.HANDSHAKE_REJECTED);
  }

  private void onHandshakeTimeout() {
    if (state.get() == State.AWAITING_AUTH) {
      runtime.metrics().handshake("timeout");
      log.info("Closing {}: no Auth within {}", remote, runtime.settings().handshakeTimeout());
      close(CloseReason.HANDSHAKE_TIMEOUT);
    }
  }

  private void onMessage(ByteString data) {
    int size = data.size();
    if (size > runtime.settings().maxMessageSize()) {
      log.info("Closing [{}]: message of {} bytes exceeds {}", describe(), size, runtime.settings().maxMessageSize());
      close(CloseReason.OVERSIZE);
      return;
    }
    // Fast path: transport is nearly all traffic; recognise it without decoding anything else.
    if (size >= HEADER_SIZE && data.apply(0) == RelayProtocolLimits.VERSION
        && data.apply(1) == RelayMessageType.TRANSPORT.code()) {
      forward(data);
      return;
    }
    byte[] bytes = data.toArray();
    RelayMessageType type;
    try {
      type = RelayMessageCodec.readType(bytes);
    } catch (RelayProtocolException e) {
      log.info("Closing [{}]: {}", describe(), e.getMessage());
      close(CloseReason.PROTOCOL_ERROR);
      return;
    }
    if (!type.acceptedFromClientAfterHandshake()) {
      log.info("Closing [{}]: {} is not accepted from a client", describe(), type);
      close(CloseReason.PROTOCOL_ERROR);
      return;
    }
    switch (type) {
      case HEALTH_CHECK -> {
        healthCheckAnswered = true;
        healthCheckFailures.set(0);
      }
      case CLOSE -> {
        log.debug("Peer [{}] exited gracefully", peerId);
        close(CloseReason.CLIENT_CLOSE);
      }
      case SUBSCRIBE_PEER_STATE, UNSUBSCRIBE_PEER_STATE -> onPeerState(bytes);
      // A repeated handshake is accepted by the type check and ignored, as openzro's server does.
      default -> log.debug("Ignoring {} from authenticated peer [{}]", type, peerId);
    }
  }

  private void onPeerState(byte[] bytes) {
    RelayMessage message;
    try {
      message = RelayMessageCodec.decode(bytes);
    } catch (RelayProtocolException e) {
      runtime.metrics().dropped(Drop.MALFORMED);
      log.debug("Ignoring malformed peer-state message from [{}]: {}", peerId, e.getMessage());
      return;
    }
    PeerStateMessage state = (PeerStateMessage) message;
    if (state instanceof SubscribePeerState) {
      interest.subscribe(state.peerIds());
    } else {
      interest.unsubscribe(state.peerIds());
    }
  }

  /** Read the destination, rewrite the slot to our own ID, hand it over or drop it. */
  private void forward(ByteString data) {
    int size = data.size();
    runtime.metrics().received(size);
    if (size < TRANSPORT_HEADER_SIZE) {
      runtime.metrics().dropped(Drop.MALFORMED);
      return;
    }
    lastTransportNanos = System.nanoTime();
    PeerId destination;
    try {
      destination = PeerId.readFrom(data.slice(HEADER_SIZE, TRANSPORT_HEADER_SIZE).toArray(), 0);
    } catch (RelayProtocolException impossible) {
      runtime.metrics().dropped(Drop.MALFORMED);
      return;
    }
    PeerConnection target = runtime.store().get(destination);
    // Payload is not copied: the delivered message is our prefix followed by the original bytes.
    ByteString rewritten = deliveryPrefix.concat(data.drop(TRANSPORT_HEADER_SIZE));
    if (target != null) {
      target.deliver(rewritten);
    } else if (!runtime.remote().get().forward(destination, rewritten)) {
      runtime.metrics().dropped(Drop.NO_DESTINATION);
    }
  }

  // ------------------------------------------------------------ outbound

  /**
   * Queues a transport message for this peer; never blocks, drops and counts when full.
   *
   * @return true if the message was queued
   */
  boolean deliver(ByteString message) {
    Outbound out = outbound;
    if (out == null) {
      runtime.metrics().dropped(Drop.DESTINATION_CLOSED);
      return false;
    }
    QueueOfferResult result = out.transport().offer(BinaryMessage.create(message));
    if (result.isEnqueued()) {
      runtime.metrics().forwarded(message.size());
      lastTransportNanos = System.nanoTime();
      return true;
    } else if (result == QueueOfferResult.dropped()) {
      runtime.metrics().dropped(Drop.QUEUE_FULL);
    } else {
      runtime.metrics().dropped(Drop.DESTINATION_CLOSED);
    }
    return false;
  }

  /** Queues a control message (peer-state event) for this peer; never blocks. */
  void sendControl(byte[] message) {
    offerControl(binary(message));
  }

  private void offerControl(Message message) {
    Outbound out = outbound;
    if (out == null) {
      return; // not running yet: only reachable through a close before materialization
    }
    QueueOfferResult result = out.control().offer(message);
    if (result == QueueOfferResult.dropped()) {
      runtime.metrics().dropped(Drop.CONTROL_QUEUE_FULL);
    }
  }

  // ------------------------------------------------------------ health checks

  private void startHealthChecks() {
    RelaySettings settings = runtime.settings();
    healthCheckSender = runtime.scheduler().scheduleAtFixedRate(settings.healthCheckInterval(),
        settings.healthCheckInterval(), () -> offerControl(HEALTH_CHECK), runtime.executor());
    healthCheckEvaluator = runtime.scheduler().scheduleAtFixedRate(settings.healthCheckTimeout(),
        settings.healthCheckTimeout(), this::evaluateHealth, runtime.executor());
    if (state.get() == State.CLOSED) {
      cancelTimers();
    }
  }

  private void evaluateHealth() {
    if (healthCheckAnswered) {
      healthCheckAnswered = false;
      return;
    }
    if (healthCheckFailures.incrementAndGet() >= runtime.settings().healthCheckFailureThreshold()) {
      log.info("Closing [{}]: no health-check answer", describe());
      close(CloseReason.HEALTH_CHECK_TIMEOUT);
    }
  }

  // ------------------------------------------------------------ closing

  /** Server shutdown: Close goes out first, queued messages drain, then the socket closes. */
  void shutdown() {
    if (state.get() == State.AUTHENTICATED) {
      offerControl(CLOSE);
    }
    close(CloseReason.SERVER_SHUTDOWN);
  }

  /**
   * Closes the connection once; later calls do nothing. Except on shutdown the outbound side is
   * cut at once (queued packets are discarded), so a peer that stopped reading cannot hold the
   * close back.
   */
  void close(CloseReason reason) {
    State previous = state.getAndSet(State.CLOSED);
    if (previous == State.CLOSED) {
      return;
    }
    runtime.metrics().closed(reason.label());
    cancelTimers();
    Outbound out = outbound;
    if (out == null) {
      // attach() cuts the outbound side as soon as it exists.
    } else if (reason == CloseReason.SERVER_SHUTDOWN) {
      completeIfOpen(out.control());
      completeIfOpen(out.transport());
    } else {
      out.killSwitch().shutdown();
    }
    if (previous == State.AUTHENTICATED) {
      if (runtime.store().unregister(this)) {
        // Gone from this node (not replaced by a newer connection here): nodes that cached it
        // here must look again.
        runtime.remote().get().peerLeft(peerId);
      }
      runtime.metrics().peerDisconnected();
    }
    interest.clear();
    runtime.onClosed().accept(this);
  }

  private void onStreamTerminated(Throwable failure) {
    if (failure != null) {
      log.debug("Connection [{}] ended: {}", describe(), failure.toString());
    }
    close(CloseReason.PEER_DISCONNECTED);
    terminated.complete(Done.getInstance());
  }

  private void cancelTimers() {
    cancel(handshakeTimer);
    cancel(healthCheckSender);
    cancel(healthCheckEvaluator);
  }

  /** The queue may already be closed by the stream (peer gone); completing it again would throw. */
  private static void completeIfOpen(BoundedSourceQueue<Message> queue) {
    try {
      queue.complete();
    } catch (IllegalStateException alreadyClosed) {
      // the stream ended first; nothing left to drain
    }
  }

  private static void cancel(Cancellable timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  private String describe() {
    PeerId id = peerId;
    return id == null ? remote : id + " " + remote;
  }

  private static Message binary(byte[] bytes) {
    return BinaryMessage.create(ByteString.fromArrayUnsafe(bytes));
  }
}
