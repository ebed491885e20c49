package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.FabricFrame;
import dev.meshplane.protocol.fabric.FabricFrameCodec;
import dev.meshplane.protocol.fabric.StreamProof;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.util.ByteString;

/**
 * One live TCP stream to another node, whichever side dialed it (as in openzro's transport.go,
 * streams are bidirectional). Frames go out through a bounded queue, so a sender never blocks: a
 * full queue means the remote reads slower than we forward, and the frame is dropped and counted.
 *
 * <p>It also records what the remote has shown itself to be ({@link Remote}) and whether it has
 * proved that it holds the fabric secret for this stream; frames a meshplane remote sent before
 * its proof wait here until the proof is in (docs/relay.md#the-fabric-between-relay-nodes).
 *
 * <p>Thread-safety: {@link #send} and {@link #close} are called from any thread; the receive side
 * (the {@code on*} methods, the challenge and the held frames) only from the stream's own handler,
 * except that the handshake deadline may close the stream and take the held frames from a timer.
 */
final class FabricStream {

  /** Who opened the TCP connection. */
  enum Direction {
    INBOUND(StreamProof.Role.ACCEPTOR), OUTBOUND(StreamProof.Role.DIALER);

    private final StreamProof.Role role;

    Direction(StreamProof.Role role) {
      this.role = role;
    }
  }

  /**
   * What the remote showed itself to be, decided once by the first frame it sends: a meshplane
   * node always starts with PING (its probe), an openzro pod never sends PING, PONG or anything
   * meshplane's.
   */
  enum Remote { UNKNOWN, OPENZRO, MESHPLANE }

  /** What became of a frame handed to {@link #send}. */
  enum Sent { QUEUED, QUEUE_FULL, CLOSED }

  /**
   * Frames a meshplane remote may send before its PROOF arrives: about one round trip's worth of
   * lookups (WHO_HAS, I_HAVE) and packets. More than this is not a correct node catching up.
   */
  static final int HELD_LIMIT = 64;

  private final Direction direction;
  private final long openedNanos = System.nanoTime();
  /** Dialed address (outbound) or the address announced in HELLO (inbound); null until HELLO. */
  private volatile String key;
  /** Encoded frames, so a FWD can be queued as its header followed by the untouched message. */
  private volatile BoundedSourceQueue<ByteString> queue;
  private volatile UniqueKillSwitch killSwitch;
  private volatile boolean closed;
  private volatile Remote remote = Remote.UNKNOWN;
  /** The remote proved the secret for this stream (or, without a secret, showed it is a meshplane node). */
  private volatile boolean proven;
  /** The nonce of the CHALLENGE we sent; null until sent. */
  private volatile byte[] challenge;
  private final List<ByteString> held = new ArrayList<>();
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
    if (closed && killSwitch != null) {
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

  /** This node's end of the stream, for the stream proof. */
  StreamProof.Role role() {
    return direction.role;
  }

  /** The remote's kind; the first call on a stream of unknown kind decides it as {@code seen}. */
  synchronized Remote classify(Remote seen) {
    if (remote == Remote.UNKNOWN) {
      remote = seen;
    }
    return remote;
  }

  Remote remote() {
    return remote;
  }

  /**
   * True once the remote is a meshplane node that proved it holds the secret for this stream:
   * the only remotes that get meshplane's extensions and keepalive, and whose extensions count.
   */
  boolean meshplane() {
    return proven;
  }

  void markProven() {
    proven = true;
  }

  /** The CHALLENGE nonce to send, once: null if one was sent on this stream already. */
  synchronized byte[] challengeOnce(byte[] nonce) {
    if (challenge != null) {
      return null;
    }
    challenge = nonce.clone();
    return nonce;
  }

  /** The nonce our CHALLENGE carried; null if we sent none. */
  byte[] challenge() {
    return challenge;
  }

  /** Keeps a frame that arrived before the remote's PROOF; false if the stream ended or too many wait. */
  synchronized boolean hold(ByteString frame) {
    if (closed || held.size() >= HELD_LIMIT) {
      return false;
    }
    held.add(frame);
    return true;
  }

  /** The held frames, in arrival order; none are held afterwards. */
  synchronized List<ByteString> takeHeld() {
    List<ByteString> frames = List.copyOf(held);
    held.clear();
    return frames;
  }

  void onFrameReceived(long nowNanos) {
    lastReceivedNanos = nowNanos;
  }

  void onPong() {
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
