package dev.meshplane.bench;

import com.google.protobuf.UnsafeByteOperations;
import dev.meshplane.protocol.signal.EncryptedMessage;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;

/**
 * One direction of traffic: a sending stream keeps {@code window} messages in flight towards one
 * key, and each message that arrives lets the next one go (a closed loop, so queues stay bounded
 * and throughput is what the system sustains, not what it buffers).
 *
 * <p>The body starts with the send time ({@link System#nanoTime}, 8 bytes) and is padded to the
 * size of a typical encrypted ICE candidate. Sender and receiver live in this JVM, so one clock
 * times the whole path.
 *
 * <p>Sends come from the main thread (the first window) and from whichever event loop delivers
 * a message; one lock per flow serialises them, as a ClientCall requires.
 */
final class SignalFlow {

  static final int BODY_BYTES = 200;

  private final SignalPeerStream sender;
  private final String destinationKey;
  private final SignalRunClock clock;
  private final CountDownLatch drained;
  private final byte[] padding;
  private final SignalLatencyHistogram latencies = new SignalLatencyHistogram();

  private long sent;
  private long received;
  private long sentMeasured;
  private long receivedMeasured;
  private long misrouted;
  private boolean stopped;
  private boolean countedDown;

  SignalFlow(SignalPeerStream sender, String destinationKey, SignalRunClock clock,
      CountDownLatch drained, byte[] padding) {
    this.sender = sender;
    this.destinationKey = destinationKey;
    this.clock = clock;
    this.drained = drained;
    this.padding = padding;
  }

  /** Puts the first {@code window} messages in flight. */
  synchronized void start(int window) {
    for (int i = 0; i < window && sendOne(); i++) {
      // sendOne does the work; it refuses once the run is over.
    }
    countDownIfDrained();
  }

  synchronized void onDelivered(EncryptedMessage message) {
    long now = System.nanoTime();
    if (!message.getKey().equals(sender.key())) {
      misrouted++;
      return;
    }
    long sentAt = message.getBody().asReadOnlyByteBuffer().getLong(0);
    received++;
    if (clock.isMeasured(sentAt)) {
      receivedMeasured++;
      latencies.record(now - sentAt);
    }
    if (!sendOne()) {
      countDownIfDrained();
    }
  }

  private boolean sendOne() {
    long now = System.nanoTime();
    if (clock.isOver(now)) {
      stopped = true;
      return false;
    }
    byte[] body = padding.clone();
    ByteBuffer.wrap(body).putLong(0, now);
    sender.send(EncryptedMessage.newBuilder()
        .setKey(sender.key())
        .setRemoteKey(destinationKey)
        .setBody(UnsafeByteOperations.unsafeWrap(body))
        .build());
    sent++;
    if (clock.isMeasured(now)) {
      sentMeasured++;
    }
    return true;
  }

  private void countDownIfDrained() {
    if (stopped && received == sent && !countedDown) {
      countedDown = true;
      drained.countDown();
    }
  }

  synchronized SignalFlowResult result() {
    return new SignalFlowResult(sent - received, sentMeasured, receivedMeasured, misrouted, latencies);
  }
}
