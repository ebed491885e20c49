package dev.meshplane.bootstrap.jmx;

/**
 * {@code dev.meshplane:type=Sharding}: where the peer sessions live. Each read asks the sharding
 * extension and waits a few seconds at most; a read that gets no answer fails rather than
 * reporting zeros.
 */
public interface ShardingViewMBean {

  /** The sharded entity type reported here ({@code PeerSession}). */
  String getEntityType();

  /** One row per node hosting a region: {@code ADDRESS shards=N entities=M}, plus {@code failed=K} when some shards did not answer. */
  String[] getRegions();

  /** Shards of this entity type hosted on this node. */
  int getLocalShards();

  /** Entities (peer sessions) hosted on this node. */
  int getLocalEntities();

  /**
   * Takes one connection-rebalancing step now: signal streams above the cluster mean are ended
   * with UNAVAILABLE so their clients reconnect elsewhere. Returns what was done; on a node that
   * does not run signal, that it cannot.
   */
  String rebalance();
}
