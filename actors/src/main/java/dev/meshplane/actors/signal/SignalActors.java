package dev.meshplane.actors.signal;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * The node-wide half of the signal service: the sharded {@link PeerSession} type and the
 * long-lived actors that serve this node's streams, {@link SignalConnections}, {@link
 * SessionReattacher} and {@link ConnectionRebalancer}. They are children of whichever actor
 * spawns them (the node's guardian); {@link SignalServer} puts the gRPC listener in front.
 */
public final class SignalActors {

  private final SignalSettings settings;
  private final SignalMetrics metrics;
  private final SignalByteBudget budget;
  private final ActorRef<ShardingEnvelope<PeerSession.Command>> sessions;
  private final ConnectionRegistry registry;
  private final ActorRef<SignalConnections.Command> connections;
  private final ActorRef<ConnectionRebalancer.Command> rebalancer;

  SignalActors(
      SignalSettings settings,
      SignalMetrics metrics,
      SignalByteBudget budget,
      ActorRef<ShardingEnvelope<PeerSession.Command>> sessions,
      ConnectionRegistry registry,
      ActorRef<SignalConnections.Command> connections,
      ActorRef<ConnectionRebalancer.Command> rebalancer) {
    this.settings = settings;
    this.metrics = metrics;
    this.budget = budget;
    this.sessions = sessions;
    this.registry = registry;
    this.connections = connections;
    this.rebalancer = rebalancer;
  }

  /**
   * Registers the session type on this node and spawns the signal actors as children of {@code
   * owner}. Call it from within the owner's own message handling: an actor's context is not
   * thread-safe.
   */
  public static SignalActors spawn(ActorContext<?> owner, SignalSettings settings, SignalMetrics metrics) {
    SignalByteBudget budget = new SignalByteBudget(settings.maxBufferedBytes(), metrics);
    ActorRef<ShardingEnvelope<PeerSession.Command>> sessions =
        PeerSession.initSharding(owner.getSystem(), settings, metrics, budget);
    ConnectionRegistry registry = new ConnectionRegistry();
    ActorRef<SignalConnections.Command> connections = owner.spawn(
        SignalConnections.create(new SignalConnection.Shared(settings.attachTimeout(), metrics), registry),
        "signal-connections");
    owner.spawn(SessionReattacher.create(registry, settings.reattachInterval()), "signal-session-reattacher");
    ActorRef<ConnectionRebalancer.Command> rebalancer = owner.spawn(
        ConnectionRebalancer.create(registry, settings.rebalance()), "signal-connection-rebalancer");
    return new SignalActors(settings, metrics, budget, sessions, registry, connections, rebalancer);
  }

  SignalSettings settings() {
    return settings;
  }

  SignalMetrics metrics() {
    return metrics;
  }

  SignalByteBudget budget() {
    return budget;
  }

  ActorRef<ShardingEnvelope<PeerSession.Command>> sessions() {
    return sessions;
  }

  ConnectionRegistry registry() {
    return registry;
  }

  ActorRef<SignalConnections.Command> connections() {
    return connections;
  }

  ActorRef<ConnectionRebalancer.Command> rebalancer() {
    return rebalancer;
  }
}
