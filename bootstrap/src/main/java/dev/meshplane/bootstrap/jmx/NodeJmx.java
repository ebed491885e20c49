package dev.meshplane.bootstrap.jmx;

import dev.meshplane.actors.signal.SignalServer;
import dev.meshplane.relay.RelayServer;
import dev.meshplane.relay.fabric.RelayFabric;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * JMX inspection of one node: its MBeans on the platform MBean server and, when a port is given,
 * a remote JMX connector on that port. Pekko's own {@code pekko:type=Cluster} MBean is separate
 * and unaffected.
 *
 * <p>Everything is undone by {@link #close()}, which also runs in the actor system's coordinated
 * shutdown, so a node that leaves or is stopped does not leave stale MBeans or an open port.
 */
public final class NodeJmx implements AutoCloseable {

  /**
   * What the MBeans report on; a service this node does not run is empty.
   *
   * @param rebalance a rebalancing step, present only where signal runs with rebalancing on: the
   *     JMX operation runs it, and refuses without it
   */
  public record Services(
      Optional<SignalServer> signal, Optional<RelayServer> relay, Optional<RelayFabric> fabric,
      Optional<Runnable> rebalance) {}

  private final MBeanRegistrations registrations;
  private final Optional<RemoteJmxServer> remote;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NodeJmx(MBeanRegistrations registrations, Optional<RemoteJmxServer> remote) {
    this.registrations = registrations;
    this.remote = remote;
  }

  /**
   * Registers the node's MBeans and, if {@code remoteJmx} has a port, serves remote JMX on it.
   * The Sharding MBean's {@code rebalance} operation rebalances signal streams, so it works only on
   * nodes that run signal with rebalancing on, as docs/inspection.md says.
   *
   * @param remoteJmx the remote JMX port, address, logins and TLS
   * @throws IllegalStateException when the MBeans cannot be registered or the port cannot be bound
   */
  public static NodeJmx start(ActorSystem<?> system, Services services, JmxSettings remoteJmx) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("Cluster", new ClusterView(system));
    beans.put("Sharding", new ShardingView(system, services.rebalance()));
    services.signal().ifPresent(signal -> beans.put("Signal", new SignalView(signal)));
    services.relay().ifPresent(relay -> beans.put("Relay", new RelayView(relay, services.fabric())));

    int remotingPort = Cluster.get(system).selfMember().address().getPort().orElse(0);
    MBeanRegistrations registrations = MBeanRegistrations.register(server, remotingPort, beans);
    Optional<RemoteJmxServer> remote;
    try {
      remote = remoteJmx.port().isPresent() ? Optional.of(RemoteJmxServer.start(server, remoteJmx)) : Optional.empty();
    } catch (RuntimeException e) {
      registrations.unregisterAll();
      throw e;
    }
    NodeJmx jmx = new NodeJmx(registrations, remote);
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "jmx-stop", () -> {
          jmx.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    return jmx;
  }

  /** Stops remote JMX and unregisters the MBeans; safe to call more than once. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      remote.ifPresent(RemoteJmxServer::close);
      registrations.unregisterAll();
    }
  }
}
