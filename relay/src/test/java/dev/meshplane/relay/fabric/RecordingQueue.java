package dev.meshplane.relay.fabric;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.util.ByteString;

/**
 * The outbound queue of a {@link FabricStream} without a socket behind it: what the stream sends
 * is kept in order, and a test can make it answer "full" or "closed" as a real queue would.
 */
final class RecordingQueue implements BoundedSourceQueue<ByteString> {

  private final List<ByteString> offered = new ArrayList<>();
  private QueueOfferResult answer = QueueOfferResult.enqueued();

  /** A live stream to {@code address} that sends into a new queue; {@code meshplane} if its remote proved itself. */
  static FabricStream stream(String address, boolean meshplane, RecordingQueue queue) {
    FabricStream stream = new FabricStream(FabricStream.Direction.OUTBOUND, address);
    // No kill switch: nothing is connected, and close() only needs the flag.
    stream.attach(queue, null);
    if (meshplane) {
      stream.markProven();
    }
    return stream;
  }

  /** Every frame accepted so far, as bytes. */
  List<byte[]> frames() {
    return offered.stream().map(ByteString::toArray).toList();
  }

  /** From now on, refuse frames as a full queue does. */
  void fill() {
    answer = QueueOfferResult.dropped();
  }

  /** From now on, refuse frames as the queue of a connection that ended does. */
  void closeUnderneath() {
    answer = QueueOfferResult.closed();
  }

  @Override
  public QueueOfferResult offer(ByteString frame) {
    if (answer.isEnqueued()) {
      offered.add(frame);
    }
    return answer;
  }

  @Override
  public void complete() {}

  @Override
  public boolean isCompleted() {
    return false;
  }

  @Override
  public void fail(Throwable cause) {}

  @Override
  public int size() {
    return offered.size();
  }
}
