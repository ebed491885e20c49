package dev.meshplane.bootstrap.jmx;

import dev.meshplane.actors.signal.PeerSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardRegionStats;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sharding statistics of the {@link PeerSession} entity type, asked of the sharding extension. */
final class ShardingView implements ShardingViewMBean {

  private static final Logger log = LoggerFactory.getLogger(ShardingView.class);

  /** How long regions on other nodes get to report their shards. */
  static final Duration STATS_TIMEOUT = Duration.ofSeconds(3);
  /** A little longer than the stats query, so regions that missed it are reported as failed, not lost. */
  private static final Duration ASK_TIMEOUT = STATS_TIMEOUT.plusSeconds(1);

  private final ActorSystem<?> system;
  private final Optional<Runnable> rebalance;

  /** @param rebalance empty when this node cannot rebalance; {@link #rebalance()} then says so */
  ShardingView(ActorSystem<?> system, Optional<Runnable> rebalance) {
    this.system = system;
    this.rebalance = rebalance;
  }

  @Override
  public String getEntityType() {
    return PeerSession.TYPE_KEY.name();
  }

  @Override
  public String[] getRegions() {
    ClusterShardingStats stats = ask(replyTo ->
        new GetClusterShardingStats(PeerSession.TYPE_KEY, STATS_TIMEOUT, replyTo), "cluster sharding stats");
    List<String> rows = new ArrayList<>();
    for (Map.Entry<Address, ShardRegionStats> region : stats.getRegions().entrySet()) {
      rows.add(regionRow(region.getKey(), region.getValue()));
    }
    rows.sort(null);
    return rows.toArray(String[]::new);
  }

  @Override
  public int getLocalShards() {
    return localState().getShards().size();
  }

  @Override
  public int getLocalEntities() {
    int entities = 0;
    for (ShardState shard : localState().getShards()) {
      entities += shard.getEntityIds().size();
    }
    return entities;
  }

  @Override
  public String rebalance() {
    if (rebalance.isEmpty()) {
      return "rebalancing is not enabled on this node";
    }
    log.warn("Connection rebalancing step requested over JMX");
    try {
      rebalance.get().run();
      return "rebalancing step requested: streams above the cluster mean are asked to reconnect";
    } catch (RuntimeException e) {
      log.warn("Rebalance requested over JMX failed", e);
      return "rebalance failed: " + e.getMessage();
    }
  }

  static String regionRow(Address address, ShardRegionStats stats) {
    int entities = 0;
    for (Object count : stats.getStats().values()) {
      entities += ((Number) count).intValue();
    }
    String failed = stats.getFailed().isEmpty() ? "" : " failed=" + stats.getFailed().size();
    return address + " shards=" + stats.getStats().size() + " entities=" + entities + failed;
  }

  private CurrentShardRegionState localState() {
    return ask(replyTo -> new GetShardRegionState(PeerSession.TYPE_KEY, replyTo), "local shard region state");
  }

  private <T> T ask(Function<ActorRef<T>, ClusterShardingQuery> query, String what) {
    CompletionStage<T> reply = AskPattern.ask(
        ClusterSharding.get(system).shardState(), query::apply, ASK_TIMEOUT, system.scheduler());
    try {
      return reply.toCompletableFuture().get(ASK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking for " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      // Message only: JMX clients may not have our (or Pekko's) exception classes.
      throw new IllegalStateException("no " + what + " within " + ASK_TIMEOUT.toSeconds() + " s");
    }
  }
}
