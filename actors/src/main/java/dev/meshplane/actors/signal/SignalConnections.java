package dev.meshplane.actors.signal;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Parent of this node's {@link SignalConnection}s. The gRPC edge asks it to {@link Open} one per
 * ConnectStream call; the new connection, not this actor, answers the asker once its session
 * accepted the stream or the registration failed. The {@link ConnectionRegistry} follows the
 * children: a connection is in it from its spawn until it stopped.
 */
public final class SignalConnections extends AbstractBehavior<SignalConnections.Command> {

  public sealed interface Command permits Open, ConnectionStopped {}

  /**
   * Open a connection for one ConnectStream call of {@code peerKey}, writing to {@code stream};
   * {@code replyTo} hears how its registration ended.
   */
  public record Open(String peerKey, ResponseStream stream, ActorRef<SignalConnection.Registration> replyTo)
      implements Command {}

  private record ConnectionStopped(ActorRef<SignalConnection.Command> connection) implements Command {}

  public static Behavior<Command> create(SignalConnection.Shared shared, ConnectionRegistry registry) {
    return Behaviors.setup(ctx -> new SignalConnections(ctx, shared, registry));
  }

  private final SignalConnection.Shared shared;
  private final ConnectionRegistry registry;
  private final ClusterSharding sharding;
  private long opened;

  private SignalConnections(
      ActorContext<Command> ctx, SignalConnection.Shared shared, ConnectionRegistry registry) {
    super(ctx);
    this.shared = shared;
    this.registry = registry;
    this.sharding = ClusterSharding.get(ctx.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Open.class, this::onOpen)
        .onMessage(ConnectionStopped.class, this::onConnectionStopped)
        .build();
  }

  private Behavior<Command> onOpen(Open open) {
    ActorRef<SignalConnection.Command> connection = getContext().spawn(
        SignalConnection.create(open, sharding.entityRefFor(PeerSession.TYPE_KEY, open.peerKey()), shared),
        "connection-" + ++opened);
    // However it stops, normally or by failing, the registry forgets it.
    getContext().watchWith(connection, new ConnectionStopped(connection));
    registry.add(connection);
    return this;
  }

  private Behavior<Command> onConnectionStopped(ConnectionStopped stopped) {
    registry.remove(stopped.connection());
    return this;
  }
}
