package dev.meshplane.actors.signal;

import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Refuses gRPC messages larger than a limit as soon as their length prefix arrives, before their
 * bodies are read. A request body passes through unchanged while its frames are followed; at the
 * first frame that announces more than the limit, {@code refused} completes and everything from
 * that frame on is read and discarded. Pekko gRPC's own decoder would collect each whole frame
 * first, whatever its length says.
 *
 * <p>Discarded rather than failed: failing the body cancels it, Pekko HTTP then resets the HTTP/2
 * stream, and the client sees CANCELLED instead of the RESOURCE_EXHAUSTED the edge answers. Reading
 * to the end costs bandwidth the client spends too, but holds no memory.
 *
 * <p>A gRPC frame is a compressed-flag byte, a 4-byte big-endian length, then that many bytes
 * (Length-Prefixed-Message in PROTOCOL-HTTP2.md of the grpc/grpc repository).
 */
final class GrpcFrameLimit {

  private static final int PREFIX = 5;

  private final long maxMessageSize;
  private final CompletableFuture<Void> refused;
  private int prefixSeen;
  private long length;
  private long bodyLeft;

  private GrpcFrameLimit(long maxMessageSize, CompletableFuture<Void> refused) {
    this.maxMessageSize = maxMessageSize;
    this.refused = refused;
  }

  /**
   * The check as a stage of a request body; each materialization follows its own frames and
   * completes {@code refused} at the first frame over {@code maxMessageSize}.
   */
  static Flow<ByteString, ByteString, NotUsed> flow(long maxMessageSize, CompletableFuture<Void> refused) {
    return Flow.of(ByteString.class)
        .statefulMap(
            () -> new GrpcFrameLimit(maxMessageSize, refused),
            (limit, chunk) -> Pair.create(limit, limit.pass(chunk)),
            limit -> Optional.empty())
        .filter(chunk -> !chunk.isEmpty());
  }

  /** The status a refused message is answered with. */
  static Status tooLarge(long maxMessageSize) {
    return Status.RESOURCE_EXHAUSTED.withDescription("message larger than " + maxMessageSize + " bytes");
  }

  /** What of {@code chunk} goes on to the decoder: all of it, up to a refused frame, or nothing after one. */
  private ByteString pass(ByteString chunk) {
    if (refused.isDone()) {
      return ByteString.emptyByteString();
    }
    int at = 0;
    int frameStart = 0;
    while (at < chunk.size()) {
      if (bodyLeft > 0) {
        int skip = (int) Math.min(bodyLeft, chunk.size() - at);
        bodyLeft -= skip;
        at += skip;
        continue;
      }
      if (prefixSeen == 0) {
        frameStart = at;
      }
      int b = chunk.apply(at++) & 0xff;
      if (prefixSeen > 0) { // byte 0 is the compressed flag
        length = (length << 8) | b;
      }
      if (++prefixSeen == PREFIX) {
        if (length > maxMessageSize) {
          refused.complete(null);
          return chunk.take(frameStart);
        }
        bodyLeft = length;
        prefixSeen = 0;
        length = 0;
      }
    }
    return chunk;
  }
}
