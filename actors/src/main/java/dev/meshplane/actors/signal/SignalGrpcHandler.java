package dev.meshplane.actors.signal;

import dev.meshplane.actors.signal.SignalCodecs.InboundMessage;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.protocol.signal.SignalHeaders;
import io.grpc.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.grpc.GrpcProtocol;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.GrpcExceptionHandler;
import org.apache.pekko.grpc.javadsl.GrpcMarshalling;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.http2.PeerClosedStreamException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 edge of {@code signalexchange.SignalExchange}.
 *
 * <p>Written against Pekko gRPC's marshalling rather than its generated handler because
 * ConnectStream must hold its response until the session has accepted the stream, and then
 * flush {@code x-wiretrustee-peer-registered} before any message: the generated handler answers
 * at once and cannot add response headers.
 */
public final class SignalGrpcHandler implements Function<HttpRequest, CompletionStage<HttpResponse>> {

  private static final Logger log = LoggerFactory.getLogger(SignalGrpcHandler.class);

  private static final String GRPC_ACCEPT_ENCODING = "grpc-accept-encoding";
  private static final String GRPC_WEB_TEXT = "application/grpc-web-text";

  /**
   * Added to attach-timeout for the two waits that must outlast it: the response's subscription
   * and the ask for the registration. The connection itself answers within attach-timeout.
   */
  private static final Duration BEYOND_ATTACH_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final ActorRef<ShardingEnvelope<PeerSession.Command>> sessions;
  private final ActorRef<SignalConnections.Command> connections;
  private final AcknowledgedDelivery deliveries;
  private final SignalSettings settings;
  private final SignalMetrics metrics;
  private final SignalByteBudget budget;
  private final Materializer materializer;
  private final AtomicBoolean draining = new AtomicBoolean();

  SignalGrpcHandler(ActorSystem<?> system, SignalActors actors) {
    this.system = system;
    this.sessions = actors.sessions();
    this.connections = actors.connections();
    this.settings = actors.settings();
    this.metrics = actors.metrics();
    this.budget = actors.budget();
    this.deliveries = new AcknowledgedDelivery(
        system, sessions, settings.sendAttemptTimeout(), settings.sendRetryBudget());
    this.materializer = Materializer.matFromSystem(system);
  }

  /** From now on new streams are refused with UNAVAILABLE; Send keeps routing. */
  public void startDraining() {
    draining.set(true);
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest incoming) {
    // Bodies are end-to-end encrypted, so compressing them costs CPU on both ends and saves
    // nothing; without the client's accept-encoding the reply is written uncompressed.
    HttpRequest request = incoming.removeHeader(GRPC_ACCEPT_ENCODING);
    String path = request.getUri().path();
    Optional<CompletionStage<HttpResponse>> response =
        GrpcMarshalling.negotiated(
            request,
            (reader, writer) -> {
              if (path.equals(SignalHeaders.SEND_PATH)) {
                return send(request, reader, writer);
              }
              if (path.equals(SignalHeaders.CONNECT_STREAM_PATH)) {
                return connectStream(request, reader, writer);
              }
              return CompletableFuture.completedFuture(
                  error(Status.UNIMPLEMENTED.withDescription("unknown method " + path), writer));
            });
    return response.orElseGet(
        () -> CompletableFuture.completedFuture(
            HttpResponse.create().withStatus(StatusCodes.UNSUPPORTED_MEDIA_TYPE)));
  }

  private CompletionStage<HttpResponse> send(
      HttpRequest request, GrpcProtocol.GrpcProtocolReader reader, GrpcProtocol.GrpcProtocolWriter writer) {
    // Every frame's prefix is checked, so the decoder never collects more than max-message-size.
    // No entity size limit on top: it would fail the body, and that resets the stream (GrpcFrameLimit).
    CompletableFuture<Void> refused = new CompletableFuture<>();
    CompletionStage<HttpResponse> answer =
        GrpcMarshalling.unmarshal(limited(request.entity(), refused), SignalCodecs.INBOUND, materializer, reader)
        .thenCompose(
            message -> {
              if (message.remoteKey().equals(SignalHeaders.HEALTH_PROBE_REMOTE_KEY)) {
                return CompletableFuture.completedFuture(reply(writer));
              }
              if (!validKey(message.remoteKey())) {
                metrics.dropped(DropReason.INVALID);
                return CompletableFuture.completedFuture(error(Status.INVALID_ARGUMENT.withDescription(
                    "remoteKey must be 1-" + SignalHeaders.MAX_PEER_KEY_LENGTH + " characters"), writer));
              }
              if (message.keyLength() > SignalHeaders.MAX_PEER_KEY_LENGTH) {
                metrics.dropped(DropReason.INVALID);
                return CompletableFuture.completedFuture(error(Status.INVALID_ARGUMENT.withDescription(
                    "key is longer than " + SignalHeaders.MAX_PEER_KEY_LENGTH + " characters"), writer));
              }
              return deliveries.deliver(message.remoteKey(), message.raw())
                  .thenApply(accepted -> accepted
                      ? reply(writer)
                      : error(Status.UNAVAILABLE.withDescription(
                          "the destination's session did not answer; retry"), writer));
            })
        // Once refused, the decoder ends without a message; that is answered below, not an error.
        .exceptionally(e -> refused.isDone() ? error(tooLargeStatus(), writer) : error(e, writer));
    // A refused message is answered at once; the body is read to its end and discarded meanwhile.
    return refused.thenApply(prefix -> tooLarge(writer)).applyToEither(answer, Function.identity());
  }

  private CompletionStage<HttpResponse> connectStream(
      HttpRequest request, GrpcProtocol.GrpcProtocolReader reader, GrpcProtocol.GrpcProtocolWriter writer) {
    String peerKey = request.getHeader(SignalHeaders.PEER_ID).map(HttpHeader::value).orElse("").trim();
    if (peerKey.isEmpty()) {
      metrics.registrationFailed("missing_id");
      return CompletableFuture.completedFuture(error(Status.FAILED_PRECONDITION.withDescription(
          "missing connection header: " + SignalHeaders.PEER_ID), writer));
    }
    if (peerKey.length() > SignalHeaders.MAX_PEER_KEY_LENGTH) {
      // No client sends this (WireGuard keys have 44 characters): counted, and logged only at DEBUG
      // so a flood of them cannot flood the log.
      metrics.registrationFailed("invalid_id");
      log.debug("Refused ConnectStream with a {}-character {}", peerKey.length(), SignalHeaders.PEER_ID);
      return CompletableFuture.completedFuture(error(Status.INVALID_ARGUMENT.withDescription(SignalHeaders.PEER_ID
          + " is longer than " + SignalHeaders.MAX_PEER_KEY_LENGTH + " characters"), writer));
    }
    if (draining.get()) {
      return CompletableFuture.completedFuture(
          error(Status.UNAVAILABLE.withDescription("node is shutting down"), writer));
    }

    Duration wait = settings.attachTimeout().plus(BEYOND_ATTACH_TIMEOUT);
    ResponseStream stream = ResponseStream.open(new ResponseStream.Limits(
        settings.connectionQueueSize(), settings.connectionQueueMaxBytes(), budget), wait, materializer);

    CompletionStage<SignalConnection.Registration> registration = AskPattern.ask(
        connections, replyTo -> new SignalConnections.Open(peerKey, stream, replyTo), wait, system.scheduler());

    // openzro never reads the client's side of the stream; meshplane routes what it writes.
    // A message over the size limit ends the call with RESOURCE_EXHAUSTED, after what was queued.
    CompletableFuture<Void> refused = new CompletableFuture<>();
    refused.thenRun(() -> {
      metrics.dropped(DropReason.TOO_LARGE);
      stream.fail(tooLargeStatus());
    });
    GrpcMarshalling.unmarshalStream(limited(request.entity(), refused), SignalCodecs.INBOUND, materializer, reader)
        .thenAccept(in -> in.runWith(Sink.foreach(this::routeOrCount), materializer));

    return registration
        .thenApply(answer -> answer instanceof SignalConnection.RegistrationFailed failed
            ? error(failed.status(), writer)
            : GrpcMarshalling.marshalStream(
                    stream.responses(), SignalCodecs.OUTBOUND, writer, system, GrpcExceptionHandler.defaultMapper())
                .addHeader(RawHeader.create(SignalHeaders.PEER_REGISTERED, SignalHeaders.PEER_REGISTERED_VALUE)))
        .exceptionally(e -> error(e, writer));
  }

  private void routeOrCount(InboundMessage message) {
    if (!message.remoteKey().equals(SignalHeaders.HEALTH_PROBE_REMOTE_KEY)) {
      route(message);
    }
  }

  /**
   * Hands a stream-written message to the destination's session without waiting for an answer:
   * openzro clients never write on the stream, and ordering matters more there than retries.
   */
  private void route(InboundMessage message) {
    if (!validKey(message.remoteKey()) || message.keyLength() > SignalHeaders.MAX_PEER_KEY_LENGTH) {
      metrics.dropped(DropReason.INVALID);
      return;
    }
    // Through the region with an envelope: an EntityRef per message would URL-encode the key each time.
    sessions.tell(new ShardingEnvelope<>(message.remoteKey(), new PeerSession.Deliver(message.raw())));
  }

  /**
   * The request body with each message checked against max-message-size as its length prefix
   * arrives. grpc-web-text bodies are base64 and carry no readable prefix; their size is bounded
   * only by the entity limit (Go clients speak native gRPC).
   */
  private Source<ByteString, Object> limited(HttpEntity entity, CompletableFuture<Void> refused) {
    Source<ByteString, Object> bytes = entity.getDataBytes();
    if (entity.getContentType().mediaType().toString().startsWith(GRPC_WEB_TEXT)) {
      return bytes;
    }
    return bytes.via(GrpcFrameLimit.flow(settings.maxMessageSize(), refused));
  }

  private HttpResponse tooLarge(GrpcProtocol.GrpcProtocolWriter writer) {
    metrics.dropped(DropReason.TOO_LARGE);
    return error(tooLargeStatus(), writer);
  }

  private Status tooLargeStatus() {
    return GrpcFrameLimit.tooLarge(settings.maxMessageSize());
  }

  private static boolean validKey(String key) {
    return !key.isEmpty() && key.length() <= SignalHeaders.MAX_PEER_KEY_LENGTH;
  }

  private HttpResponse reply(GrpcProtocol.GrpcProtocolWriter writer) {
    return GrpcMarshalling.marshal(
        SignalCodecs.EMPTY_REPLY, SignalCodecs.OUTBOUND, writer, system, GrpcExceptionHandler.defaultMapper());
  }

  private HttpResponse error(Status status, GrpcProtocol.GrpcProtocolWriter writer) {
    return GrpcExceptionHandler.standard(new GrpcServiceException(status), writer, system);
  }

  private HttpResponse error(Throwable failure, GrpcProtocol.GrpcProtocolWriter writer) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof PeerClosedStreamException) {
      // The client reset its call; nobody reads the answer. Pekko gRPC would log a WARN for each,
      // one per stream a rapid-reset client opens and cancels.
      return error(Status.CANCELLED.withDescription(cause.getMessage()), writer);
    }
    return GrpcExceptionHandler.standard(cause, writer, system);
  }
}
