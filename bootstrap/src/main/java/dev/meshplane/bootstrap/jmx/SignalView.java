package dev.meshplane.bootstrap.jmx;

import dev.meshplane.actors.signal.SignalMetrics;
import dev.meshplane.actors.signal.SignalMetrics.DropReason;
import dev.meshplane.actors.signal.SignalServer;
import java.util.Arrays;
import java.util.Optional;

/** Reads the node's signal metrics and listener; registered only on nodes that run signal. */
final class SignalView implements SignalViewMBean {

  private final SignalMetrics metrics;
  private final Optional<SignalServer> server;

  SignalView(SignalMetrics metrics, Optional<SignalServer> server) {
    this.metrics = metrics;
    this.server = server;
  }

  @Override
  public long getConnectedPeers() {
    return metrics.activePeers();
  }

  @Override
  public int getOpenStreams() {
    return server.map(SignalServer::openStreams).orElse(0);
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
