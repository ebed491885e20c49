package dev.meshplane.actors.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The length-prefix check on request bodies: what passes, what is refused, in any chunking. */
class GrpcFrameLimitTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Materializer materializer = Materializer.matFromSystem(testKit.system());
  private static final int MAX = 100;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ByteString frame(int length) {
    return ByteString.fromArrayUnsafe(
        ByteBuffer.allocate(5 + length).put((byte) 0).putInt(length).put(new byte[length]).array());
  }

  private static List<ByteString> chunks(ByteString body, int size) {
    List<ByteString> chunks = new ArrayList<>();
    for (int at = 0; at < body.size(); at += size) {
      chunks.add(body.slice(at, Math.min(body.size(), at + size)));
    }
    return chunks;
  }

  private static ByteString run(List<ByteString> chunks, CompletableFuture<Void> refused) throws Exception {
    return Source.from(chunks)
        .via(GrpcFrameLimit.flow(MAX, refused))
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void framesWithinTheLimitPassUnchangedInAnyChunking() throws Exception {
    ByteString body = frame(MAX).concat(frame(0)).concat(frame(37));
    for (int size : new int[] {1, 3, 5, 7, 64, body.size()}) {
      CompletableFuture<Void> refused = new CompletableFuture<>();
      assertEquals(body, run(chunks(body, size), refused), "chunks of " + size);
      assertFalse(refused.isDone(), "chunks of " + size);
    }
  }

  @Test
  void aFrameOverTheLimitIsRefusedAndNothingFromItOnPasses() throws Exception {
    ByteString allowed = frame(10);
    ByteString body = allowed.concat(frame(MAX + 1)).concat(frame(10));
    for (int size : new int[] {1, 4, 6, body.size()}) {
      CompletableFuture<Void> refused = new CompletableFuture<>();
      ByteString passed = run(chunks(body, size), refused);
      assertTrue(refused.isDone(), "chunks of " + size);
      // The frames before it, and at most the part of its prefix that arrived in earlier chunks.
      assertTrue(passed.take(allowed.size()).equals(allowed) && passed.size() < allowed.size() + 5,
          "chunks of " + size + ": passed " + passed.size() + " bytes");
    }
  }

  @Test
  void aLengthOverTwoGigabytesIsRefused() throws Exception {
    CompletableFuture<Void> refused = new CompletableFuture<>();
    ByteString prefix =
        ByteString.fromArrayUnsafe(new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertEquals(ByteString.emptyByteString(), run(List.of(prefix), refused));
    assertTrue(refused.isDone());
  }
}
