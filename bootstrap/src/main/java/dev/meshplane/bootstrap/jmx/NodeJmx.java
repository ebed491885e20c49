package dev.meshplane.bootstrap.jmx;

import dev.meshplane.actors.signal.SignalMetrics;
import dev.meshplane.actors.signal.SignalServer;
import dev.meshplane.relay.RelayServer;
import dev.meshplane.relay.fabric.RelayFabric;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXServiceURL;
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

  /** Pass as {@code rebalance} when this node cannot rebalance; the operation then says so. */
  public static final Runnable NO_REBALANCE = () -> {};

  private final MBeanRegistrations registrations;
  private final Optional<RemoteJmxServer> remote;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NodeJmx(MBeanRegistrations registrations, Optional<RemoteJmxServer> remote) {
    this.registrations = registrations;
    this.remote = remote;
  }

  /**
   * Registers the node's MBeans and, if {@code remoteJmx} has a port, serves remote JMX on it.
   *
   * @param signalMetrics present on nodes running signal; without it no Signal MBean is registered
   * @param signal the signal listener, for the count of open streams
   * @param relay present on nodes running the relay; without it no Relay MBean is registered
   * @param fabric the relay fabric, present when this relay node forwards to others
   * @param remoteJmx the remote JMX port, address, logins and TLS
   * @param rebalance run by the Sharding MBean's {@code rebalance} operation; {@link #NO_REBALANCE}
   *     (or null) when rebalancing is not available
   * @throws IllegalStateException when the MBeans cannot be registered or the port cannot be bound
   */
  public static NodeJmx start(
      ActorSystem<?> system,
      Optional<SignalMetrics> signalMetrics,
      Optional<SignalServer> signal,
      Optional<RelayServer> relay,
      Optional<RelayFabric> fabric,
      JmxSettings remoteJmx,
      Runnable rebalance) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Object> beans = new LinkedHashMap<>();
    beans.put("Cluster", new ClusterView(system));
    beans.put("Sharding", new ShardingView(system,
        rebalance == null || rebalance == NO_REBALANCE ? Optional.empty() : Optional.of(rebalance)));
    signalMetrics.ifPresent(metrics -> beans.put("Signal", new SignalView(metrics, signal)));
    relay.ifPresent(relayServer -> beans.put("Relay", new RelayView(relayServer, fabric)));

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

  /** The names this node's MBeans were registered under (suffixed when several nodes share a JVM). */
  public List<ObjectName> objectNames() {
    return registrations.names();
  }

  /** The remote JMX URL, when remote JMX is on. */
  public Optional<JMXServiceURL> serviceUrl() {
    return remote.map(RemoteJmxServer::url);
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
