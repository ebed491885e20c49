package dev.meshplane.actors.signal;

import dev.meshplane.actors.CborSerializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Spreads signal streams over the nodes after a scale-up. A load balancer only places new
 * connections, and signal streams live for hours, so a node that joins would stay idle. Every
 * node publishes how many streams it holds; a node holding more than the cluster mean by more
 * than the tolerance ends a paced number of its streams with UNAVAILABLE, and those clients
 * reconnect through the load balancer. Their messages wait in their sessions' buffers meanwhile.
 *
 * <p>Opt-in ({@code meshplane.signal.rebalance.enabled}); a manual {@link RebalanceNow} works
 * either way and takes one step.
 */
public final class ConnectionRebalancer extends AbstractBehavior<ConnectionRebalancer.Command> {

  public sealed interface Command permits NodeLoad, Tick, RebalanceNow {}

  /** One node's stream count, published to all nodes. */
  public record NodeLoad(String node, int streams, long sentAtMillis) implements Command, CborSerializable {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** Take one rebalancing step now (JMX operation). */
  public enum RebalanceNow implements Command {
    INSTANCE
  }

  /** Settings of {@code meshplane.signal.rebalance}. */
  public record Settings(boolean enabled, double tolerance, int maxPerStep, Duration interval) {}

  private static final String TOPIC = "meshplane-signal-load";

  public static Behavior<Command> create(ConnectionRegistry registry, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
      return new ConnectionRebalancer(ctx, registry, settings);
    }));
  }

  private final ConnectionRegistry registry;
  private final Settings settings;
  private final ActorRef<Topic.Command<NodeLoad>> topic;
  private final String self;
  private final Map<String, NodeLoad> loads = new HashMap<>();

  private ConnectionRebalancer(ActorContext<Command> ctx, ConnectionRegistry registry, Settings settings) {
    super(ctx);
    this.registry = registry;
    this.settings = settings;
    this.self = Cluster.get(ctx.getSystem()).selfMember().address().toString();
    this.topic = ctx.spawn(Topic.create(NodeLoad.class, TOPIC), "load-topic");
    topic.tell(Topic.subscribe(ctx.getSelf().narrow()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeLoad.class, this::onNodeLoad)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(RebalanceNow.INSTANCE, this::onRebalanceNow)
        .build();
  }

  private Behavior<Command> onNodeLoad(NodeLoad load) {
    loads.put(load.node(), load);
    return this;
  }

  private Behavior<Command> onTick() {
    topic.tell(Topic.publish(new NodeLoad(self, registry.size(), System.currentTimeMillis())));
    if (settings.enabled()) {
      step();
    }
    return this;
  }

  private Behavior<Command> onRebalanceNow() {
    step();
    return this;
  }

  /** Ends streams above the mean, at most maxPerStep of them. */
  private void step() {
    long freshAfter = System.currentTimeMillis() - 3 * settings.interval().toMillis();
    loads.values().removeIf(load -> load.sentAtMillis() < freshAfter);
    loads.put(self, new NodeLoad(self, registry.size(), System.currentTimeMillis()));
    if (loads.size() < 2) {
      return;
    }
    double mean = loads.values().stream().mapToInt(NodeLoad::streams).average().orElse(0);
    int mine = registry.size();
    if (mine <= mean * (1 + settings.tolerance()) || mine - mean < 1) {
      return;
    }
    int excess = (int) Math.ceil(mine - mean);
    int count = Math.min(settings.maxPerStep(), excess);
    getContext().getLog().info("Holding {} signal streams, cluster mean {}: asking {} clients to reconnect",
        mine, String.format("%.1f", mean), count);
    registry.drain(count, "rebalancing: reconnect to another node");
  }
}
