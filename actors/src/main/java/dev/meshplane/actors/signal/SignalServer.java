package dev.meshplane.actors.signal;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.protocol.tls.PemSslContexts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
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
 * The signal listener of one node: the gRPC endpoint in front of the node's {@link SignalActors},
 * and its part in coordinated shutdown (refuse new streams, end open ones with UNAVAILABLE, close).
 */
public final class SignalServer {

  private static final Logger log = LoggerFactory.getLogger(SignalServer.class);

  private final ActorSystem<?> system;
  private final SignalActors actors;
  private final SignalGrpcHandler handler;
  private final ServerBinding binding;

  private SignalServer(ActorSystem<?> system, SignalActors actors, SignalGrpcHandler handler, ServerBinding binding) {
    this.system = system;
    this.actors = actors;
    this.handler = handler;
    this.binding = binding;
  }

  /** Binds the signal port on {@code bindHost} and serves the calls through {@code actors}. */
  public static CompletionStage<SignalServer> start(ActorSystem<?> system, String bindHost, SignalActors actors) {
    SignalSettings settings = actors.settings();
    SignalGrpcHandler handler = new SignalGrpcHandler(system, actors);

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
          SignalServer server = new SignalServer(system, actors, handler, binding);
          server.registerShutdownTasks();
          return server;
        });
  }

  /**
   * gRPC needs HTTP/2, also in plaintext (prior knowledge). Signal streams live for hours and
   * carry little traffic: while a stream is open the server pings (GOAWAY when an ack is overdue),
   * and TCP keepalive makes the kernel reset connections to peers that vanished. The idle timeout
   * (at least twice the ping interval, checked in {@link SignalSettings}) closes only connections
   * that carry nothing at all, pings included: those that never sent a preface or opened a stream.
   * The frame throttle closes a connection that resets streams faster than max-resets-per-second.
   */
  private static ServerSettings serverSettings(ActorSystem<?> system, SignalSettings settings) {
    String overrides = "pekko.http.server.preview.enable-http2 = on\n"
        + "pekko.http.server.idle-timeout = " + durationOrInfinite(settings.idleTimeout()) + "\n"
        + "pekko.http.server.http2.ping-interval = " + settings.pingInterval().toMillis() + "ms\n"
        + "pekko.http.server.http2.ping-timeout = " + settings.pingTimeout().toMillis() + "ms\n"
        + resetThrottle(settings.maxResetsPerSecond());
    ServerSettings base =
        ServerSettings.create(ConfigFactory.parseString(overrides).withFallback(system.settings().config()));
    if (settings.pingInterval().isZero()) {
      return base;
    }
    // Probe idle connections on the same cadence as the HTTP/2 pings.
    Duration probeInterval = settings.pingTimeout().isZero() ? settings.pingInterval() : settings.pingTimeout();
    return base.withSocketOptions(List.of(new TcpKeepAlive(settings.pingInterval(), probeInterval)));
  }

  private static String durationOrInfinite(Duration duration) {
    return duration.isZero() ? "infinite" : duration.toMillis() + "ms";
  }

  private static String resetThrottle(int perSecond) {
    if (perSecond == 0) {
      return "pekko.http.server.http2.frame-type-throttle.frame-types = []\n";
    }
    return "pekko.http.server.http2.frame-type-throttle {\n"
        + "  frame-types = [\"reset\"]\n"
        + "  cost = " + perSecond + "\n"
        + "  burst = " + perSecond + "\n"
        + "  interval = 1s\n"
        + "}\n";
  }

  public int boundPort() {
    return binding.localAddress().getPort();
  }

  public int openStreams() {
    return actors.registry().size();
  }

  public SignalMetrics metrics() {
    return actors.metrics();
  }

  /** One connection-rebalancing step now, whether or not periodic rebalancing is enabled. */
  public void rebalanceNow() {
    actors.rebalancer().tell(ConnectionRebalancer.RebalanceNow.INSTANCE);
  }

  /** Ends every open stream with UNAVAILABLE and waits (bounded) until they are gone. */
  public CompletionStage<Done> drainStreams(String reason) {
    handler.startDraining();
    actors.registry().drainAll(reason);
    return awaitNoStreams(System.nanoTime() + actors.settings().drainTimeout().toNanos());
  }

  private CompletionStage<Done> awaitNoStreams(long deadlineNanos) {
    if (actors.registry().size() == 0 || System.nanoTime() - deadlineNanos > 0) {
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
      log.info("Ending {} signal streams with UNAVAILABLE so clients reconnect elsewhere", actors.registry().size());
      return drainStreams("node is shutting down")
          .thenCompose(done -> binding.terminate(actors.settings().drainTimeout()))
          .thenApply(terminated -> Done.getInstance());
    });
  }
}
