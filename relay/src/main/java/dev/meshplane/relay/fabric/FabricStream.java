package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrame;
import dev.meshplane.protocol.fabric.FabricFrameCodec;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.util.ByteString;

/**
 * One live TCP stream to another node, whichever side dialed it (as in openzro's transport.go,
 * streams are bidirectional). Frames go out through a bounded queue, so a sender never blocks: a
 * full queue means the remote reads slower than we forward, and the frame is dropped and counted.
 *
 * <p>Thread-safety: {@link #send} and {@link #close} are called from any thread; the receive side
 * (the {@code on*} methods) only from the stream's own handler.
 */
final class FabricStream {

  /** Who opened the TCP connection. */
  enum Direction { INBOUND, OUTBOUND }

  /** What became of a frame handed to {@link #send}. */
  enum Sent { QUEUED, QUEUE_FULL, CLOSED }

  private final Direction direction;
  private final long openedNanos = System.nanoTime();
  /** Dialed address (outbound) or the address announced in HELLO (inbound); null until HELLO. */
  private volatile String key;
  /** Encoded frames, so a FWD can be queued as its header followed by the untouched message. */
  private volatile BoundedSourceQueue<ByteString> queue;
  private volatile UniqueKillSwitch killSwitch;
  private volatile boolean closed;
  /** Set by the first PONG: the remote is a meshplane node and understands the extensions. */
  private volatile boolean speaksPing;
  private volatile long lastReceivedNanos = openedNanos;
  /** When our oldest unanswered PING went out; 0 when none is outstanding. */
  private volatile long pingOutstandingSince;

  FabricStream(Direction direction, String key) {
    this.direction = direction;
    this.key = key;
  }

  /** Called at materialization with the stream's outbound queue and its kill switch. */
  void attach(BoundedSourceQueue<ByteString> queue, UniqueKillSwitch killSwitch) {
    this.queue = queue;
    this.killSwitch = killSwitch;
    if (closed) {
      killSwitch.shutdown();
    }
  }

  Sent send(FabricFrame frame) {
    return sendEncoded(ByteString.fromArrayUnsafe(FabricFrameCodec.encode(frame)));
  }

  /** Queues bytes that are one or more whole frames. */
  Sent sendEncoded(ByteString frame) {
    BoundedSourceQueue<ByteString> q = queue;
    if (q == null || closed) {
      return Sent.CLOSED;
    }
    QueueOfferResult result = q.offer(frame);
    if (result.isEnqueued()) {
      return Sent.QUEUED;
    }
    return result == QueueOfferResult.dropped() ? Sent.QUEUE_FULL : Sent.CLOSED;
  }

  /** Closes the TCP connection; queued frames are discarded. Idempotent. */
  void close() {
    closed = true;
    UniqueKillSwitch k = killSwitch;
    if (k != null) {
      k.shutdown();
    }
  }

  void markClosed() {
    closed = true;
  }

  boolean isLive() {
    return !closed;
  }

  String key() {
    return key;
  }

  void keyFromHello(String announced) {
    this.key = announced;
  }

  boolean speaksPing() {
    return speaksPing;
  }

  void onFrameReceived(long nowNanos) {
    lastReceivedNanos = nowNanos;
  }

  void onPong() {
    speaksPing = true;
    pingOutstandingSince = 0;
  }

  long lastReceivedNanos() {
    return lastReceivedNanos;
  }

  long pingOutstandingSince() {
    return pingOutstandingSince;
  }

  void pingSent(long nowNanos) {
    if (pingOutstandingSince == 0) {
      pingOutstandingSince = nowNanos;
    }
  }

  long ageNanos(long nowNanos) {
    return nowNanos - openedNanos;
  }

  @Override
  public String toString() {
    return direction.name().toLowerCase(java.util.Locale.ROOT) + " " + key;
  }
}
