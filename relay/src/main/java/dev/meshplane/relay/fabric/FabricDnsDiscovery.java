package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.HelloV2;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * openzro-style discovery (relay/server/cluster/discovery.go): resolve a headless-Service name
 * every interval (first at start), drop our own IP and empty answers, and make {@code ip:port} of
 * every answer a member. A failed resolution keeps the previous members. Resolution blocks, so it
 * runs on its own thread, bounded by half the interval as in openzro.
 *
 * <p>Unlike openzro, an IP that drops out of the answer stops being redialled (its stream is left
 * to die by itself), and one that stays is redialled while it has no stream.
 */
final class FabricDnsDiscovery implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FabricDnsDiscovery.class);
  static final String SOURCE = "dns";

  /** Resolves a name to IP address strings; the JDK resolver unless a test supplies another. */
  interface Resolver {
    List<String> resolve(String name) throws UnknownHostException;
  }

  static final Resolver JDK = name -> Arrays.stream(InetAddress.getAllByName(name))
      .map(InetAddress::getHostAddress).toList();

  private final RelayFabric fabric;
  private final String name;
  private final int port;
  private final String selfIp;
  private final Duration timeout;
  private final Resolver resolver;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "relay-fabric-dns");
    t.setDaemon(true);
    return t;
  });
  private volatile Cancellable timer;

  private FabricDnsDiscovery(RelayFabric fabric, String name, int port, String selfIp, Duration timeout,
      Resolver resolver) {
    this.fabric = fabric;
    this.name = name;
    this.port = port;
    this.selfIp = selfIp;
    this.timeout = timeout;
    this.resolver = resolver;
  }

  static FabricDnsDiscovery start(ActorSystem<?> system, RelayFabric fabric, String name, int port, String selfIp,
      Duration interval) {
    return start(system, fabric, name, port, selfIp, interval, JDK);
  }

  static FabricDnsDiscovery start(ActorSystem<?> system, RelayFabric fabric, String name, int port, String selfIp,
      Duration interval, Resolver resolver) {
    FabricDnsDiscovery discovery = new FabricDnsDiscovery(fabric, name, port, selfIp, interval.dividedBy(2), resolver);
    discovery.timer = system.scheduler().scheduleAtFixedRate(Duration.ZERO, interval, discovery::poll,
        system.executionContext());
    log.info("Relay fabric discovers members through DNS name [{}] every {} s", name, interval.toSeconds());
    return discovery;
  }

  private void poll() {
    CompletableFuture.supplyAsync(this::resolve, thread)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((members, failure) -> {
          if (failure != null) {
            log.debug("Resolving [{}] failed; keeping the known members: {}", name, failure.toString());
          } else {
            fabric.setMembers(SOURCE, members);
          }
        });
  }

  private Set<String> resolve() {
    try {
      Set<String> members = new LinkedHashSet<>();
      for (String ip : resolver.resolve(name)) {
        if (!ip.isEmpty() && !ip.equals(selfIp)) {
          members.add(HelloV2.joinHostPort(ip, port));
        }
      }
      return members;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
    thread.shutdownNow();
  }
}
