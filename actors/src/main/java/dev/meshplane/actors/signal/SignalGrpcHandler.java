package dev.meshplane.actors.signal;

import dev.meshplane.actors.signal.SignalCodecs.InboundMessage;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.protocol.signal.SignalHeaders;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.grpc.GrpcProtocol;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.GrpcExceptionHandler;
import org.apache.pekko.grpc.javadsl.GrpcMarshalling;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.StreamSubscriptionTimeoutTerminationMode;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.reactivestreams.Publisher;

/**
 * The HTTP/2 edge of {@code signalexchange.SignalExchange}.
 *
 * <p>Written against Pekko gRPC's marshalling rather than its generated handler because
 * ConnectStream must hold its response until the session has accepted the stream, and then
 * flush {@code x-wiretrustee-peer-registered} before any message: the generated handler answers
 * at once and cannot add response headers.
 */
public final class SignalGrpcHandler implements Function<HttpRequest, CompletionStage<HttpResponse>> {

  private static final String GRPC_ACCEPT_ENCODING = "grpc-accept-encoding";

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<ShardingEnvelope<PeerSession.Command>> sessions;
  private final AcknowledgedDelivery deliveries;
  private final SignalSettings settings;
  private final SignalMetrics metrics;
  private final ConnectionRegistry registry;
  private final Materializer materializer;
  private final AtomicLong connectionIds = new AtomicLong();
  private final AtomicBoolean draining = new AtomicBoolean();

  public SignalGrpcHandler(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<PeerSession.Command>> sessions,
      SignalSettings settings,
      SignalMetrics metrics,
      ConnectionRegistry registry) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.sessions = sessions;
    this.deliveries = new AcknowledgedDelivery(system, sessions, settings.sendAttemptTimeout(), settings.sendRetryBudget());
    this.settings = settings;
    this.metrics = metrics;
    this.registry = registry;
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
    return GrpcMarshalling.unmarshal(request.entity(), SignalCodecs.INBOUND, materializer, reader)
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
              return deliveries.deliver(message.remoteKey(), message.raw())
                  .thenApply(accepted -> accepted
                      ? reply(writer)
                      : error(Status.UNAVAILABLE.withDescription(
                          "the destination's session did not answer; retry"), writer));
            })
        .exceptionally(e -> error(e, writer));
  }

  private CompletionStage<HttpResponse> connectStream(
      HttpRequest request, GrpcProtocol.GrpcProtocolReader reader, GrpcProtocol.GrpcProtocolWriter writer) {
    String peerKey = request.getHeader(SignalHeaders.PEER_ID).map(HttpHeader::value).orElse("").trim();
    if (peerKey.isEmpty() || peerKey.length() > SignalHeaders.MAX_PEER_KEY_LENGTH) {
      metrics.registrationFailed("missing_id");
      String why = peerKey.isEmpty()
          ? "missing connection header: " + SignalHeaders.PEER_ID
          : SignalHeaders.PEER_ID + " is longer than " + SignalHeaders.MAX_PEER_KEY_LENGTH + " characters";
      return CompletableFuture.completedFuture(error(Status.FAILED_PRECONDITION.withDescription(why), writer));
    }
    if (draining.get()) {
      return CompletableFuture.completedFuture(
          error(Status.UNAVAILABLE.withDescription("node is shutting down"), writer));
    }

    // The queue is materialized now so the connection actor can accept messages before the
    // response stream is subscribed; watchTermination sits before the publisher so it also fires
    // if the response is never subscribed (the client vanished during registration).
    Pair<Pair<BoundedSourceQueue<byte[]>, CompletionStage<Done>>, Publisher<byte[]>> materialized =
        Source.<byte[]>queue(settings.connectionQueueSize())
            .watchTermination(Keep.both())
            .toMat(Sink.asPublisher(AsPublisher.WITH_FANOUT), Keep.both())
            // The response subscribes only once the session accepted the stream, which can take
            // seconds during a failover: longer than Pekko's default 5 s subscription timeout.
            // Set on the whole graph: the publisher enforces the timeout, and attributes given to
            // the source alone (as preMaterialize would take them) never reach it.
            .withAttributes(ActorAttributes.streamSubscriptionTimeout(
                scala.concurrent.duration.FiniteDuration.fromNanos(
                    settings.attachTimeout().plusSeconds(5).toNanos()),
                StreamSubscriptionTimeoutTerminationMode.cancel()))
            .run(materializer);
    Pair<Pair<BoundedSourceQueue<byte[]>, CompletionStage<Done>>, Source<byte[], NotUsed>> outbound =
        Pair.create(materialized.first(), Source.fromPublisher(materialized.second()));
    CompletableFuture<Void> registered = new CompletableFuture<>();
    // Completed by the connection before it completes the queue: empty for a normal end, or the
    // status to end with (draining). The queued messages are written first, then the status.
    CompletableFuture<Optional<Throwable>> ending = new CompletableFuture<>();
    ActorRef<SignalConnection.Command> connection =
        system.systemActorOf(
            SignalConnection.create(
                peerKey,
                outbound.first().first(),
                sharding.entityRefFor(PeerSession.TYPE_KEY, peerKey),
                registered,
                ending,
                settings,
                metrics,
                registry),
            "signal-connection-" + connectionIds.incrementAndGet(),
            Props.empty());
    outbound.first().second().whenComplete((done, failure) -> connection.tell(SignalConnection.StreamTerminated.INSTANCE));

    // openzro never reads the client's side of the stream; meshplane routes what it writes.
    GrpcMarshalling.unmarshalStream(request.entity(), SignalCodecs.INBOUND, materializer, reader)
        .thenAccept(in -> in.runWith(Sink.foreach(this::routeOrCount), materializer));

    Source<byte[], NotUsed> responses = outbound.second().concat(
        Source.completionStage(ending).flatMapConcat(
            status -> status.isPresent() ? Source.<byte[]>failed(status.get()) : Source.<byte[]>empty()));
    return registered
        .thenApply(ignored -> GrpcMarshalling.marshalStream(
                responses, SignalCodecs.OUTBOUND, writer, system, GrpcExceptionHandler.defaultMapper())
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
    if (!validKey(message.remoteKey())) {
      metrics.dropped(DropReason.INVALID);
      return;
    }
    // Through the region with an envelope: an EntityRef per message would URL-encode the key each time.
    sessions.tell(new ShardingEnvelope<>(message.remoteKey(), new PeerSession.Deliver(message.raw())));
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
    return GrpcExceptionHandler.standard(cause, writer, system);
  }
}
