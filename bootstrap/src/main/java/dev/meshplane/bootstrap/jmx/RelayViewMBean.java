package dev.meshplane.bootstrap.jmx;

/**
 * {@code dev.meshplane:type=Relay}: the relay service of this node and its fabric to the other
 * relay nodes. The same numbers are on {@code /metrics}; this view is for a quick look.
 */
public interface RelayViewMBean {

  /** Authenticated relay peers connected to this node ({@code relay_peers}). */
  int getLocalPeers();

  /** Whether this node forwards to other relay nodes. */
  boolean isFabricEnabled();

  /** This node's fabric address as announced in HELLO; empty when the fabric is off. */
  String getFabricAddress();

  /** Addresses of the nodes with a live fabric stream ({@code relay_cluster_streams} counts them). */
  String[] getFabricStreams();

  /** How many fabric streams lead to meshplane nodes (they answered PING); the rest are openzro pods. */
  int getMeshplaneStreams();

  /** Peer-to-node entries in the locator cache. */
  int getLocatorCacheSize();

  /** One row per result of {@code relay_cluster_forwards_total}: {@code RESULT COUNT}. */
  String[] getForwards();
}
