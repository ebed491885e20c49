package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricProtocolException;
import dev.meshplane.protocol.fabric.HelloAuth;
import dev.meshplane.protocol.fabric.HelloV2;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The signed HELLOs this node accepted within their replay window, so that the same HELLO is not
 * accepted twice (openzro accepts it again for five minutes: relay/server/cluster/messages.go,
 * DecodeHello, has no nonce). A signed HELLO is identified by its address and timestamp: those are
 * all its MAC covers, so two HELLOs with the same pair carry the same MAC.
 *
 * <p>A dialer that redials within the same second would repeat itself; meshplane's dialer waits
 * for the next second instead ({@link FabricDialer}), and openzro pods dial an address once.
 *
 * <p>Memory is bounded twice: an entry is dropped once its timestamp is out of the window (the
 * HELLO would then be refused as stale anyway), and at most {@link #CAPACITY} entries are kept.
 * When full, a new HELLO is refused rather than accepted unrecorded: only HELLOs with a valid MAC
 * get here, so filling the memory takes the secret or a flood of real dials, and the dialer retries
 * after its backoff.
 */
final class HelloReplayMemory {

  /**
   * Far above what a fleet produces: each node dials each other one about once per stream, and a
   * stream lives for minutes to days. 16 384 entries are about 2 MB, and at the most a HELLO
   * stays ten minutes (a timestamp up to five minutes ahead, then five minutes of window).
   */
  static final int CAPACITY = 16_384;

  private record Seen(String address, long unixSeconds) {}

  private final Clock clock;
  private final int capacity;
  private final Set<Seen> seen = new HashSet<>();
  private final PriorityQueue<Seen> byAge = new PriorityQueue<>(Comparator.comparingLong(Seen::unixSeconds));

  HelloReplayMemory(Clock clock, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
  }

  /**
   * Records {@code hello}, which passed every openzro check.
   *
   * @throws FabricProtocolException {@code HELLO_REPLAYED} if it was accepted before, {@code
   *     HELLO_REPLAY_MEMORY_FULL} if it cannot be recorded
   */
  synchronized void admit(HelloV2 hello) {
    Seen entry = new Seen(hello.address(), hello.unixSeconds());
    if (seen.contains(entry)) {
      throw new FabricProtocolException(FabricProtocolException.Reason.HELLO_REPLAYED,
          "HELLO from [" + hello.address() + "] at " + Long.toUnsignedString(hello.unixSeconds())
              + " was accepted before");
    }
    forgetExpired(clock.instant());
    if (seen.size() >= capacity) {
      throw new FabricProtocolException(FabricProtocolException.Reason.HELLO_REPLAY_MEMORY_FULL,
          "already " + seen.size() + " HELLOs within their window");
    }
    seen.add(entry);
    byAge.add(entry);
  }

  private void forgetExpired(Instant now) {
    while (!byAge.isEmpty()) {
      Seen oldest = byAge.peek();
      // Oldest first; a timestamp ahead of the clock stays until it, too, is past the window.
      if (oldest.unixSeconds() > now.getEpochSecond() || HelloAuth.withinReplayWindow(oldest.unixSeconds(), now)) {
        return;
      }
      byAge.poll();
      seen.remove(oldest);
    }
  }
}
