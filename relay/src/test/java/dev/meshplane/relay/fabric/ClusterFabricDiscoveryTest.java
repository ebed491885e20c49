package dev.meshplane.relay.fabric;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Leave;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three cluster members in one JVM on loopback, each with a discovery actor under the same name,
 * so only the messages can tell them each other's fabric address. The question and the answer
 * cross real remoting connections, written with the serializer the module binds.
 */
class ClusterFabricDiscoveryTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Config CLUSTER = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      # Tearing three members down at once makes every remoting stream warn; nothing to learn there.
      pekko.loglevel = ERROR
      pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
      pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
      """).withFallback(ConfigFactory.load());

  /** A cluster member, its discovery actor, and the members it last handed to its fabric. */
  private record Node(
      String address,
      ActorSystem<Void> system,
      ActorRef<ClusterFabricDiscovery.Command> discovery,
      AtomicReference<Set<String>> dialed) {}

  private final List<Node> nodes = new ArrayList<>();

  @BeforeEach
  void formCluster() {
    // Listed out of order: who dials depends on the addresses, not on who joined first.
    for (String address : List.of("10.0.0.2:7090", "10.0.0.3:7090", "10.0.0.1:7090")) {
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fabric-discovery-test", CLUSTER);
      AtomicReference<Set<String>> dialed = new AtomicReference<>();
      ActorRef<ClusterFabricDiscovery.Command> discovery = system.systemActorOf(
          ClusterFabricDiscovery.create(address, dialed::set), "relay-fabric-discovery", Props.empty());
      nodes.add(new Node(address, system, discovery, dialed));
    }
    Cluster seed = Cluster.get(nodes.get(0).system());
    for (Node node : nodes) {
      Cluster.get(node.system()).manager().tell(Join.create(seed.selfMember().address()));
    }
    for (Node node : nodes) {
      Await.until(WAIT, node.address() + " sees 3 members up", () -> upMembers(node) == 3);
    }
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (Node node : nodes) {
      node.system().terminate();
    }
    for (Node node : nodes) {
      node.system().getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private Node node(String address) {
    return nodes.stream().filter(node -> node.address().equals(address)).findFirst().orElseThrow();
  }

  private static long upMembers(Node node) {
    long up = 0;
    for (Member member : Cluster.get(node.system()).state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  private static void awaitDialed(Node node, Set<String> expected) {
    Await.until(WAIT, node.address() + " dials exactly " + expected, () -> expected.equals(node.dialed().get()));
  }

  @Test
  void eachNodeDialsTheMembersWithAGreaterAddressOnly() {
    awaitDialed(node("10.0.0.1:7090"), Set.of("10.0.0.2:7090", "10.0.0.3:7090"));
    awaitDialed(node("10.0.0.2:7090"), Set.of("10.0.0.3:7090"));
    awaitDialed(node("10.0.0.3:7090"), Set.of());
  }

  @Test
  void aNodeWhoseDiscoveryStopsOrThatLeavesIsNoLongerDialed() {
    Node first = node("10.0.0.1:7090");
    awaitDialed(first, Set.of("10.0.0.2:7090", "10.0.0.3:7090"));

    // The fabric of 10.0.0.2 stopped; its node stays in the cluster.
    node("10.0.0.2:7090").discovery().tell(ClusterFabricDiscovery.Stop.INSTANCE);
    awaitDialed(first, Set.of("10.0.0.3:7090"));

    Node third = node("10.0.0.3:7090");
    Cluster.get(third.system()).manager().tell(Leave.create(Cluster.get(third.system()).selfMember().address()));
    awaitDialed(first, Set.of());
    Await.until(WAIT, "both others still members of " + first.address(), () -> upMembers(first) == 2);
  }
}
