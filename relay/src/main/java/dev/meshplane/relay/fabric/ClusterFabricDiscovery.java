package dev.meshplane.relay.fabric;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Fabric members from the Pekko cluster: every relay node registers one actor with the
 * Receptionist under {@link #KEY}, and the actor's <em>name</em> carries the node's fabric address.
 * The name is the whole announcement, so no message ever crosses the network and no serializer is
 * needed; the Receptionist's listing already follows cluster membership (a node that leaves or is
 * downed disappears from it).
 *
 * <p>Both ends of a pair see each other at about the same moment, and two nodes dialing each
 * other at once would each keep their own stream and close the other's (relay-fabric.md §5, race
 * hazard). So only the node with the smaller address dials; the other waits for the inbound stream.
 */
final class ClusterFabricDiscovery {

  static final String SOURCE = "cluster";
  private static final String NAME_PREFIX = "relay-fabric-";

  /** What the discovery actor handles: the listing, and a stop when the fabric stops. */
  sealed interface Command permits Listing, Stop {
  }

  /** Stopping the actor also removes it from the Receptionist, so other nodes stop dialing us. */
  enum Stop implements Command { INSTANCE }

  /** The Receptionist's listing, adapted. */
  record Listing(Receptionist.Listing listing) implements Command {
  }

  static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "meshplane-relay-fabric");

  private ClusterFabricDiscovery() {
  }

  /** Spawns the discovery actor of {@code fabric} under {@code owner}; closing it stops the actor. */
  static AutoCloseable start(ActorContext<?> owner, RelayFabric fabric) {
    String self = fabric.announceAddress();
    ActorRef<Command> actor = owner.spawn(behavior(fabric, self), actorName(self));
    return () -> actor.tell(Stop.INSTANCE);
  }

  static String actorName(String address) {
    return NAME_PREFIX + URLEncoder.encode(address, StandardCharsets.UTF_8);
  }

  static String addressOf(ActorRef<?> ref) {
    String name = ref.path().name();
    return name.startsWith(NAME_PREFIX)
        ? URLDecoder.decode(name.substring(NAME_PREFIX.length()), StandardCharsets.UTF_8) : null;
  }

  /** Whether this node dials {@code remote}: the smaller address of a pair dials. */
  static boolean dials(String self, String remote) {
    return self.compareTo(remote) < 0;
  }

  private static Behavior<Command> behavior(RelayFabric fabric, String self) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, Listing::new);
      context.getSystem().receptionist().tell(Receptionist.subscribe(KEY, adapter));
      return Behaviors.receive(Command.class)
          .onMessage(Listing.class, listing -> {
            Set<String> members = new HashSet<>();
            for (ActorRef<Command> ref : listing.listing().getServiceInstances(KEY)) {
              String address = addressOf(ref);
              if (address != null && !address.equals(self) && dials(self, address)) {
                members.add(address);
              }
            }
            fabric.setMembers(SOURCE, members);
            return Behaviors.same();
          })
          .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
          .build();
    });
  }
}
