package dev.meshplane.bootstrap.jmx;

import dev.meshplane.actors.signal.SignalMetrics;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.actors.signal.SignalServer;
import java.util.Arrays;

/** Reads the node's signal metrics and listener; registered only on nodes that run signal. */
final class SignalView implements SignalViewMBean {

  private final SignalServer server;
  private final SignalMetrics metrics;

  SignalView(SignalServer server) {
    this.server = server;
    this.metrics = server.metrics();
  }

  @Override
  public long getConnectedPeers() {
    return metrics.activePeers();
  }

  @Override
  public int getOpenStreams() {
    return server.openStreams();
  }

  @Override
  public long getMessagesForwarded() {
    return metrics.forwardedCount();
  }

  @Override
  public long getMessagesBuffered() {
    return metrics.bufferedNow();
  }

  @Override
  public String[] getMessagesDropped() {
    return Arrays.stream(DropReason.values())
        .map(reason -> reason.label() + " " + metrics.droppedCount(reason))
        .toArray(String[]::new);
  }

  @Override
  public long getMessagesDroppedTotal() {
    return Arrays.stream(DropReason.values()).mapToLong(metrics::droppedCount).sum();
  }
}
