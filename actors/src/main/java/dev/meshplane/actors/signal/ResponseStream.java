package dev.meshplane.actors.signal;

import io.grpc.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.StreamSubscriptionTimeoutTerminationMode;
import org.reactivestreams.Publisher;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The response side of one ConnectStream call. The gRPC edge opens it and writes {@link
 * #responses()} to the client; the call's {@link SignalConnection} offers messages into it and ends
 * it. Offers go into a queue bounded by count and by bytes and never block: when the client does
 * not read, they are refused rather than waited for. Queued bytes also count against the node's
 * {@link SignalByteBudget} until they leave the queue for the HTTP/2 connection.
 *
 * <p>How the stream ends is settled before the queue completes: normally, or with a status such as
 * UNAVAILABLE when the node drains. So everything queued is written first, then the status.
 */
public final class ResponseStream {

  /**
   * How much one stream may hold: {@code messages} and {@code bytes} for this stream, within the
   * node's {@code budget}.
   */
  public record Limits(int messages, long bytes, SignalByteBudget budget) {}

  private final BoundedSourceQueue<byte[]> queue;
  private final CompletionStage<Done> terminated;
  private final CompletableFuture<Optional<Throwable>> ending = new CompletableFuture<>();
  private final Source<byte[], NotUsed> responses;
  private final Limits limits;
  private final AtomicLong queuedBytes;

  private ResponseStream(BoundedSourceQueue<byte[]> queue, CompletionStage<Done> terminated,
      Source<byte[], NotUsed> queued, Limits limits, AtomicLong queuedBytes) {
    this.queue = queue;
    this.terminated = terminated;
    this.limits = limits;
    this.queuedBytes = queuedBytes;
    this.responses = queued.concat(Source.completionStage(ending).flatMapConcat(
        status -> status.isPresent() ? Source.<byte[]>failed(status.get()) : Source.<byte[]>empty()));
    // What was still queued when the stream ended is never written: give its bytes back.
    terminated.whenComplete((done, failure) -> limits.budget().release(queuedBytes.getAndSet(0)));
  }

  /**
   * Materializes the queue now, so the connection can accept messages before the response is
   * subscribed. {@link #terminated()} sits before the publisher so it also fires when the response
   * is never subscribed (the client vanished during registration).
   *
   * @param subscriptionTimeout how long the response may wait for its subscriber: the edge
   *     subscribes only once the session accepted the stream, which can take seconds during a
   *     failover, longer than Pekko's default of 5 s
   */
  public static ResponseStream open(Limits limits, Duration subscriptionTimeout, Materializer materializer) {
    AtomicLong queuedBytes = new AtomicLong();
    // Materialized by hand rather than with preMaterialize: the timeout is enforced by the
    // publisher, so the attribute must reach it, and attributes given to the source stop short of it.
    Pair<Pair<BoundedSourceQueue<byte[]>, CompletionStage<Done>>, Publisher<byte[]>> outbound =
        Source.<byte[]>queue(limits.messages())
            .map(message -> {
              queuedBytes.addAndGet(-message.length);
              limits.budget().release(message.length);
              return message;
            })
            .watchTermination(Keep.both())
            .toMat(Sink.asPublisher(AsPublisher.WITH_FANOUT), Keep.both())
            .withAttributes(ActorAttributes.streamSubscriptionTimeout(
                scala.concurrent.duration.FiniteDuration.fromNanos(subscriptionTimeout.toNanos()),
                StreamSubscriptionTimeoutTerminationMode.cancel()))
            .run(materializer);
    return new ResponseStream(outbound.first().first(), outbound.first().second(),
        Source.fromPublisher(outbound.second()), limits, queuedBytes);
  }

  /** What the client receives: the queued messages, then the end settled by the connection. */
  public Source<byte[], NotUsed> responses() {
    return responses;
  }

  /**
   * Queues {@code message}, or refuses it with {@code dropped} when this stream's bytes or the
   * node's budget would be exceeded, as when the queue is full.
   */
  QueueOfferResult offer(byte[] message) {
    int size = message.length;
    if (queuedBytes.get() + size > limits.bytes() || !limits.budget().tryReserve(size)) {
      return QueueOfferResult.dropped();
    }
    queuedBytes.addAndGet(size);
    QueueOfferResult result = queue.offer(message);
    if (result != QueueOfferResult.enqueued()) {
      queuedBytes.addAndGet(-size);
      limits.budget().release(size);
    }
    return result;
  }

  /** Ends the stream normally once everything queued is written. */
  void complete() {
    end(Optional.empty());
  }

  /** Ends the stream with {@code status} once everything queued is written. */
  void fail(Status status) {
    end(Optional.of(new GrpcServiceException(status)));
  }

  /** Completes when the stream is over: the client went away, or the stream was ended here. */
  CompletionStage<Done> terminated() {
    return terminated;
  }

  private void end(Optional<Throwable> status) {
    ending.complete(status);
    try {
      queue.complete();
    } catch (IllegalStateException alreadyOver) {
      // The client cancelled first; there is nobody left to write to.
    }
  }
}
