package dev.meshplane.bootstrap.jmx;

import dev.meshplane.relay.RelayServer;
import dev.meshplane.relay.fabric.FabricStats;
import dev.meshplane.relay.fabric.RelayFabric;
import java.util.Optional;

/** Reads the node's relay listener and fabric; registered only on nodes that run the relay. */
final class RelayView implements RelayViewMBean {

  private final RelayServer relay;
  private final Optional<RelayFabric> fabric;

  RelayView(RelayServer relay, Optional<RelayFabric> fabric) {
    this.relay = relay;
    this.fabric = fabric;
  }

  @Override
  public int getLocalPeers() {
    return relay.connectedPeers();
  }

  @Override
  public boolean isFabricEnabled() {
    return fabric.isPresent();
  }

  @Override
  public String getFabricAddress() {
    return fabric.map(RelayFabric::announceAddress).orElse("");
  }

  @Override
  public String[] getFabricStreams() {
    return stats().map(s -> s.streams().toArray(String[]::new)).orElse(new String[0]);
  }

  @Override
  public int getMeshplaneStreams() {
    return stats().map(FabricStats::meshplaneStreams).orElse(0);
  }

  @Override
  public int getLocatorCacheSize() {
    return stats().map(FabricStats::cachedPeers).orElse(0);
  }

  @Override
  public String[] getForwards() {
    return stats().map(s -> new String[] {
        "ok " + s.forwardsOk(),
        "peer_not_found " + s.forwardsPeerNotFound(),
        "stream_gone " + s.forwardsStreamGone(),
        "send_error " + s.forwardsSendError()}).orElse(new String[0]);
  }

  private Optional<FabricStats> stats() {
    return fabric.map(RelayFabric::stats);
  }
}
