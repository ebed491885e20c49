package dev.meshplane.actors.signal;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.protocol.tls.PemSslContexts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signal service of one node: the sharded {@link PeerSession} type, the gRPC listener, and its
 * part in coordinated shutdown (refuse new streams, end open ones with UNAVAILABLE, close).
 */
public final class SignalServer {

  private static final Logger log = LoggerFactory.getLogger(SignalServer.class);

  private final ActorSystem<?> system;
  private final SignalSettings settings;
  private final SignalGrpcHandler handler;
  private final ConnectionRegistry registry;
  private final ServerBinding binding;
  private final ActorRef<ConnectionRebalancer.Command> rebalancer;

  private SignalServer(
      ActorSystem<?> system,
      SignalSettings settings,
      SignalGrpcHandler handler,
      ConnectionRegistry registry,
      ServerBinding binding,
      ActorRef<ConnectionRebalancer.Command> rebalancer) {
    this.system = system;
    this.rebalancer = rebalancer;
    this.settings = settings;
    this.handler = handler;
    this.registry = registry;
    this.binding = binding;
  }

  public static CompletionStage<SignalServer> start(
      ActorSystem<?> system, String bindHost, SignalSettings settings, SignalMetrics metrics) {
    var sessions = PeerSession.initSharding(system, settings, metrics);
    ConnectionRegistry registry = new ConnectionRegistry();
    system.systemActorOf(SessionReattacher.create(registry, settings.reattachInterval()), "signal-session-reattacher",
        org.apache.pekko.actor.typed.Props.empty());
    ActorRef<ConnectionRebalancer.Command> rebalancer = system.systemActorOf(
        ConnectionRebalancer.create(registry, settings.rebalance()), "signal-connection-rebalancer",
        org.apache.pekko.actor.typed.Props.empty());
    SignalGrpcHandler handler = new SignalGrpcHandler(system, sessions, settings, metrics, registry);

    ServerBuilder builder =
        Http.get(system).newServerAt(bindHost, settings.port()).withSettings(serverSettings(system, settings));
    if (settings.tlsEnabled()) {
      builder = builder.enableHttps(ConnectionContext.httpsServer(
          PemSslContexts.fromPemFiles(settings.tlsCertFile().get(), settings.tlsKeyFile().get())));
    }
    return builder
        .bind(handler::apply)
        .thenApply(binding -> {
          log.info("Signal service listening on [{}] ({})", binding.localAddress(),
              settings.tlsEnabled() ? "TLS" : "plaintext");
          SignalServer server = new SignalServer(system, settings, handler, registry, binding, rebalancer);
          server.registerShutdownTasks();
          return server;
        });
  }

  /**
   * gRPC needs HTTP/2, also in plaintext (prior knowledge). Signal streams live for hours and
   * carry little traffic, so the connection idle timeout is off. Instead, while a stream is open
   * the server pings (GOAWAY when an ack is overdue), and TCP keepalive makes the kernel reset
   * connections to peers that vanished.
   */
  private static ServerSettings serverSettings(ActorSystem<?> system, SignalSettings settings) {
    String overrides = "pekko.http.server.preview.enable-http2 = on\n"
        + "pekko.http.server.idle-timeout = infinite\n"
        + "pekko.http.server.http2.ping-interval = " + settings.pingInterval().toMillis() + "ms\n"
        + "pekko.http.server.http2.ping-timeout = " + settings.pingTimeout().toMillis() + "ms\n";
    ServerSettings base =
        ServerSettings.create(ConfigFactory.parseString(overrides).withFallback(system.settings().config()));
    if (settings.pingInterval().isZero()) {
      return base;
    }
    // Probe idle connections on the same cadence as the HTTP/2 pings.
    Duration probeInterval = settings.pingTimeout().isZero() ? settings.pingInterval() : settings.pingTimeout();
    return base.withSocketOptions(List.of(new TcpKeepAlive(settings.pingInterval(), probeInterval)));
  }

  public int boundPort() {
    return binding.localAddress().getPort();
  }

  public int openStreams() {
    return registry.size();
  }

  /** One connection-rebalancing step now, whether or not periodic rebalancing is enabled. */
  public void rebalanceNow() {
    rebalancer.tell(ConnectionRebalancer.RebalanceNow.INSTANCE);
  }

  /** Ends every open stream with UNAVAILABLE and waits (bounded) until they are gone. */
  public CompletionStage<Done> drainStreams(String reason) {
    handler.startDraining();
    registry.drainAll(reason);
    return awaitNoStreams(System.nanoTime() + settings.drainTimeout().toNanos());
  }

  private CompletionStage<Done> awaitNoStreams(long deadlineNanos) {
    if (registry.size() == 0 || System.nanoTime() - deadlineNanos > 0) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return Patterns.after(Duration.ofMillis(20), system.classicSystem().scheduler(),
        system.executionContext(), () -> awaitNoStreams(deadlineNanos));
  }

  private void registerShutdownTasks() {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "signal-refuse-new-streams", () -> {
      handler.startDraining();
      return binding.unbind();
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "signal-drain-streams", () -> {
      log.info("Ending {} signal streams with UNAVAILABLE so clients reconnect elsewhere", registry.size());
      return drainStreams("node is shutting down")
          .thenCompose(done -> binding.terminate(settings.drainTimeout()))
          .thenApply(terminated -> Done.getInstance());
    });
  }
}
