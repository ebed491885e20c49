package dev.meshplane.bootstrap.jmx;

/**
 * {@code dev.meshplane:type=Signal}: the signal service of this node. The same numbers are on
 * {@code /metrics}; this view is for a quick look without a Prometheus server.
 */
public interface SignalViewMBean {

  /** Peers with a signal stream attached on this node ({@code active_peers}). */
  long getConnectedPeers();

  /** ConnectStream calls currently open on this node, including ones not yet registered. */
  int getOpenStreams();

  /** Messages handed to a peer's stream on this node since start. */
  long getMessagesForwarded();

  /** Messages currently buffered for peers without a stream, in sessions hosted here. */
  long getMessagesBuffered();

  /** One row per drop reason: {@code REASON COUNT}, e.g. {@code buffer_full 0}. */
  String[] getMessagesDropped();

  /** Sum of all drop reasons. */
  long getMessagesDroppedTotal();
}
