package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import dev.meshplane.actors.signal.SignalActors;
import dev.meshplane.actors.signal.SignalMetrics;
import dev.meshplane.actors.signal.SignalServer;
import dev.meshplane.actors.signal.SignalSettings;
import dev.meshplane.bootstrap.jmx.NodeJmx;
import dev.meshplane.config.SettingsException;
import dev.meshplane.relay.RelayServer;
import dev.meshplane.relay.RelaySettings;
import dev.meshplane.relay.fabric.FabricSettings;
import dev.meshplane.relay.fabric.RelayFabric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running node: its actor system and the services of its roles. */
public final class MeshplaneNode {

  private static final Logger log = LoggerFactory.getLogger(MeshplaneNode.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<Guardian.Command> system;
  private final NodeSettings settings;
  private final PrometheusRegistry registry;
  private final MetricsEndpoint metrics;
  private final Optional<SignalServer> signal;
  private final Optional<SignalMetrics> signalMetrics;
  private final Optional<RelayServer> relay;
  private final Optional<RelayFabric> fabric;

  private MeshplaneNode(
      ActorSystem<Guardian.Command> system,
      NodeSettings settings,
      PrometheusRegistry registry,
      MetricsEndpoint metrics,
      Optional<SignalServer> signal,
      Optional<SignalMetrics> signalMetrics,
      Optional<RelayServer> relay,
      Optional<RelayFabric> fabric) {
    this.system = system;
    this.settings = settings;
    this.registry = registry;
    this.metrics = metrics;
    this.signal = signal;
    this.signalMetrics = signalMetrics;
    this.relay = relay;
    this.fabric = fabric;
  }

  /**
   * Starts a node from a fully assembled config (see {@link NodeConfig#load}).
   *
   * @throws SettingsException when a setting is invalid, before anything is started
   */
  public static MeshplaneNode start(Config config) {
    return start(config, MeshplaneSettings.read(config));
  }

  /** Starts a node from a fully assembled config and the settings already read from it. */
  public static MeshplaneNode start(Config config, MeshplaneSettings all) {
    NodeSettings settings = all.node();
    ClusterSettings cluster = all.cluster();
    Optional<SignalSettings> signalSettings = all.signal();
    Optional<RelaySettings> relaySettings = all.relay().map(LabRelaySecret::fillIn);
    Optional<FabricSettings> fabricSettings = all.fabric();

    ActorSystem<Guardian.Command> system = ActorSystem.create(Guardian.create(), "meshplane",
        NodeConfig.pekkoOverlay(settings)
            .withFallback(ClusterFormation.pekkoOverlay(cluster, settings))
            .withFallback(config));
    MetricsEndpoint metrics = null;
    try {

      PrometheusRegistry registry = new PrometheusRegistry();
      metrics = await(MetricsEndpoint.start(system, settings.bindHost(), settings.metricsPort(),
          settings.metricsLimits(), registry), "metrics endpoint");

      Optional<SignalMetrics> signalMetrics = signalSettings.map(s -> new SignalMetrics(registry));
      Optional<SignalServer> signal = Optional.empty();
      if (signalSettings.isPresent()) {
        SignalActors signalActors = ask(system,
            replyTo -> new Guardian.StartSignalActors(signalSettings.get(), signalMetrics.get(), replyTo),
            "signal actors");
        signal = Optional.of(await(SignalServer.start(system, settings.bindHost(), signalActors), "signal listener"));
      }
      Optional<RelayServer> relay = Optional.empty();
      if (relaySettings.isPresent()) {
        relay = Optional.of(await(RelayServer.start(system, relaySettings.get(), registry), "relay listener"));
      }
      Optional<RelayFabric> fabric = Optional.empty();
      if (fabricSettings.isPresent()) {
        RelayServer server = relay.orElseThrow();
        FabricSettings fabricConfig = fabricSettings.get();
        RelayFabric started = await(RelayFabric.start(system, fabricConfig,
            fabricConfig.announceHost().orElse(settings.host()), server.localPeers(), registry, Clock.systemUTC()),
            "relay fabric listener");
        server.useRemotePeers(started);
        if (settings.clusterMode() == ClusterMode.EMBEDDED) {
          MeshplaneNode.<Done>ask(system, replyTo -> new Guardian.StartFabricDiscovery(started, replyTo),
              "relay fabric discovery");
        }
        fabric = Optional.of(started);
      }
      // The JMX operation rebalances only where rebalancing is on, as docs/inspection.md says.
      Optional<Runnable> rebalance = signal.filter(s -> signalSettings.get().rebalance().enabled())
          .map(s -> s::rebalanceNow);
      NodeJmx.start(system, new NodeJmx.Services(signal, relay, fabric, rebalance), settings.jmx());
      await(ManagementEndpoint.start(system, settings), "management endpoint");
      // disabled mode joins itself: a one-member cluster, so sharding works exactly as with N nodes.
      ClusterFormation.join(system, cluster);

      MeshplaneNode node = new MeshplaneNode(system, settings, registry, metrics, signal, signalMetrics, relay,
          fabric);
      node.registerShutdownTasks();
      log.info("meshplane node up: host [{}], roles {}, signal port {}, relay port {}, fabric [{}], "
          + "management port {}, metrics port {}", settings.host(), settings.roles(),
          signal.map(SignalServer::boundPort).orElse(-1), relay.map(RelayServer::boundPort).orElse(-1),
          fabric.map(RelayFabric::announceAddress).orElse("off"), settings.managementPort(), metrics.port());
      return node;
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      system.terminate();
      throw e;
    }
  }

  private void registerShutdownTasks() {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "readiness-off", () -> {
      NodeState.get(system.classicSystem()).startDraining();
      log.info("Shutting down: /ready now reports not ready");
      if (settings.readinessDelay().isZero()) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return Patterns.after(settings.readinessDelay(), system.classicSystem().scheduler(),
          system.executionContext(), () -> CompletableFuture.completedFuture(Done.getInstance()));
    });
    // The relay stops first and the fabric after it: peers get Close while packets to other nodes
    // still flow, and their departure (PEER_LEFT) still reaches the other nodes. openzro stops its
    // fabric first; the other nodes learn either way, from the streams closing.
    relay.ifPresent(server -> shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "relay-stop",
        () -> server.stop().thenCompose(done -> fabric.map(RelayFabric::stop)
            .orElse(CompletableFuture.completedFuture(Done.getInstance())))));
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "metrics-endpoint-stop", () -> {
      metrics.close();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  /** Asks the guardian to start {@code what} and waits for its answer. */
  private static <T> T ask(
      ActorSystem<Guardian.Command> guardian, Function<ActorRef<T>, Guardian.Command> request, String what) {
    return await(AskPattern.ask(guardian, request, START_TIMEOUT, guardian.scheduler()), what);
  }

  private static <T> T await(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot start " + what + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot start " + what + ": no answer within " + START_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + what, e);
    }
  }

  /** Runs coordinated shutdown, as SIGTERM does, and waits for the actor system to end. */
  public void shutdown() {
    CoordinatedShutdown.get(system).run(CoordinatedShutdown.unknownReason());
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Actor system did not terminate cleanly: {}", e.toString());
    }
  }

  public ActorSystem<?> system() {
    return system;
  }

  public NodeSettings settings() {
    return settings;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public int metricsPort() {
    return metrics.port();
  }

  public int signalPort() {
    return signal.orElseThrow(() -> new IllegalStateException("this node does not run signal")).boundPort();
  }

  public Optional<SignalServer> signal() {
    return signal;
  }

  public int relayPort() {
    return relay.orElseThrow(() -> new IllegalStateException("this node does not run relay")).boundPort();
  }

  public Optional<RelayFabric> fabric() {
    return fabric;
  }

  public SignalMetrics signalMetrics() {
    return signalMetrics.orElseThrow(() -> new IllegalStateException("this node does not run signal"));
  }
}
