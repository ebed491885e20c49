package dev.meshplane.relay.fabric;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Fabric members from the Pekko cluster. Every relay node runs one discovery actor, registered
 * with the Receptionist under {@link #KEY}; the Receptionist's listing follows cluster membership
 * (a node that leaves or is downed disappears from it). A discovery actor asks every other listed
 * one for its node's fabric address ({@link GetAddress}) and hands the answers ({@link
 * FabricAddress}) of the members still listed to the fabric.
 *
 * <p>Both ends of a pair see each other at about the same moment, and two nodes dialing each
 * other at once would each keep their own stream and close the other's (openzro
 * relay/server/cluster/transport.go, handleAccepted keeps the stream it has). So only the node
 * with the smaller address dials; the other waits for the inbound stream.
 */
final class ClusterFabricDiscovery extends AbstractBehavior<ClusterFabricDiscovery.Command> {

  static final String SOURCE = "cluster";

  /**
   * How long a member gets to answer before it is asked again, for as long as it is listed. The
   * question can be lost when the member's node is just joining or just crashed.
   */
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

  sealed interface Command permits GetAddress, Stop, ListingChanged, AddressAnswered, AddressNotAnswered {}

  /** Another node's discovery actor asks for this node's fabric address. */
  record GetAddress(ActorRef<FabricAddress> replyTo) implements Command, CborSerializable {}

  /** A node's fabric address, {@code host:port} as its HELLO announces it. */
  record FabricAddress(String address) implements CborSerializable {}

  /** Stopping the actor also removes it from the Receptionist, so other nodes stop dialing us. */
  enum Stop implements Command {
    INSTANCE
  }

  private record ListingChanged(Set<ActorRef<Command>> listed) implements Command {}

  private record AddressAnswered(ActorRef<Command> member, String address) implements Command {}

  private record AddressNotAnswered(ActorRef<Command> member) implements Command {}

  /**
   * The key the discovery actors register under. Its id changed when the address moved from the
   * actor's name into {@link FabricAddress}, so nodes of both kinds never ask each other.
   */
  static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "meshplane-relay-fabric-discovery");

  /** Spawns the discovery actor of {@code fabric} under {@code owner}; closing it stops the actor. */
  static AutoCloseable start(ActorContext<?> owner, RelayFabric fabric) {
    ActorRef<Command> discovery = owner.spawn(
        create(fabric.announceAddress(), members -> fabric.setMembers(SOURCE, members)), "relay-fabric-discovery");
    return () -> discovery.tell(Stop.INSTANCE);
  }

  /**
   * @param self this node's fabric address
   * @param members receives the addresses this node dials, every time they may have changed
   */
  static Behavior<Command> create(String self, Consumer<Set<String>> members) {
    return Behaviors.setup(ctx -> new ClusterFabricDiscovery(ctx, self, members));
  }

  /** Whether this node dials {@code remote}: the smaller address of a pair dials. */
  static boolean dials(String self, String remote) {
    return self.compareTo(remote) < 0;
  }

  private final String self;
  private final Consumer<Set<String>> members;
  private final Set<ActorRef<Command>> listed = new HashSet<>();
  private final Set<ActorRef<Command>> asking = new HashSet<>();
  private final Map<ActorRef<Command>, String> addresses = new HashMap<>();

  private ClusterFabricDiscovery(ActorContext<Command> ctx, String self, Consumer<Set<String>> members) {
    super(ctx);
    this.self = self;
    this.members = members;
    ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(
        Receptionist.Listing.class, listing -> new ListingChanged(listing.getServiceInstances(KEY)));
    ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY, adapter));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetAddress.class, this::onGetAddress)
        .onMessage(ListingChanged.class, this::onListingChanged)
        .onMessage(AddressAnswered.class, this::onAddressAnswered)
        .onMessage(AddressNotAnswered.class, this::onAddressNotAnswered)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Command> onGetAddress(GetAddress get) {
    get.replyTo().tell(new FabricAddress(self));
    return this;
  }

  private Behavior<Command> onListingChanged(ListingChanged changed) {
    listed.clear();
    listed.addAll(changed.listed());
    listed.remove(getContext().getSelf());
    addresses.keySet().retainAll(listed);
    for (ActorRef<Command> member : listed) {
      if (!addresses.containsKey(member) && !asking.contains(member)) {
        askAddress(member);
      }
    }
    publish();
    return this;
  }

  private Behavior<Command> onAddressAnswered(AddressAnswered answered) {
    asking.remove(answered.member());
    if (listed.contains(answered.member())) {
      addresses.put(answered.member(), answered.address());
      publish();
    }
    return this;
  }

  private Behavior<Command> onAddressNotAnswered(AddressNotAnswered notAnswered) {
    asking.remove(notAnswered.member());
    if (listed.contains(notAnswered.member())) {
      getContext().getLog().debug("No fabric address from [{}] yet; asking again", notAnswered.member().path());
      askAddress(notAnswered.member());
    }
    return this;
  }

  private void askAddress(ActorRef<Command> member) {
    asking.add(member);
    getContext().ask(FabricAddress.class, member, ASK_TIMEOUT, GetAddress::new,
        (answer, failure) -> answer != null
            ? new AddressAnswered(member, answer.address()) : new AddressNotAnswered(member));
  }

  /** The addresses of the listed members that answered, those this node dials. */
  private void publish() {
    Set<String> dialed = new HashSet<>();
    for (String address : addresses.values()) {
      if (!address.equals(self) && dials(self, address)) {
        dialed.add(address);
      }
    }
    members.accept(dialed);
  }
}
