package dev.meshplane.bootstrap;

import dev.meshplane.actors.signal.SignalActors;
import dev.meshplane.actors.signal.SignalMetrics;
import dev.meshplane.actors.signal.SignalSettings;
import dev.meshplane.relay.fabric.RelayFabric;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The user guardian of a node's actor system and the parent of the node's long-lived actors: the
 * signal service's ({@link SignalActors}), the relay fabric's cluster discovery and the
 * {@link ClusterSizeWarning}. It starts each group when {@link MeshplaneNode#start} asks, at the
 * point of start-up that needs it, so the order stays: listeners bound, then management, then
 * cluster join. The actors live until the actor system terminates, after coordinated shutdown
 * has drained the services.
 */
final class Guardian extends AbstractBehavior<Guardian.Command> {

  sealed interface Command permits StartSignalActors, StartFabricDiscovery, StartClusterSizeWarning {}

  /** Register the peer-session type and spawn the signal actors; answers with them. */
  record StartSignalActors(SignalSettings settings, SignalMetrics metrics, ActorRef<SignalActors> replyTo)
      implements Command {}

  /** Take fabric members from the cluster as well; answers once the discovery actor runs. */
  record StartFabricDiscovery(RelayFabric fabric, ActorRef<Done> replyTo) implements Command {}

  /** Warn when the cluster settles at a size keep-majority cannot protect. */
  record StartClusterSizeWarning(String splitBrainStrategy) implements Command {}

  static Behavior<Command> create() {
    return Behaviors.setup(Guardian::new);
  }

  private Guardian(ActorContext<Command> ctx) {
    super(ctx);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartSignalActors.class, this::onStartSignalActors)
        .onMessage(StartFabricDiscovery.class, this::onStartFabricDiscovery)
        .onMessage(StartClusterSizeWarning.class, this::onStartClusterSizeWarning)
        .build();
  }

  private Behavior<Command> onStartSignalActors(StartSignalActors start) {
    start.replyTo().tell(SignalActors.spawn(getContext(), start.settings(), start.metrics()));
    return this;
  }

  private Behavior<Command> onStartFabricDiscovery(StartFabricDiscovery start) {
    start.fabric().discoverFromCluster(getContext());
    start.replyTo().tell(Done.getInstance());
    return this;
  }

  private Behavior<Command> onStartClusterSizeWarning(StartClusterSizeWarning start) {
    getContext().spawn(ClusterSizeWarning.create(start.splitBrainStrategy()), "cluster-size-warning");
    return this;
  }
}
