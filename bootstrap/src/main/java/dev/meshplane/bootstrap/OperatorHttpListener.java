package dev.meshplane.bootstrap;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.bootstrap.ConnectionTable.Connection;
import dev.meshplane.bootstrap.ConnectionTable.Pressure;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 listener for operator endpoints (health and cluster HTTP on the management port,
 * Prometheus on the metrics port) that a flood of idle or slow clients cannot starve.
 *
 * <p>Pekko HTTP's own {@code max-connections} makes connections beyond the limit wait until one
 * closes: enough idle connections hold every slot until the idle timeout, and clients that
 * trickle their request headers hold them for good, so a probe waits behind them. Here every
 * open connection is either busy answering a request or waiting for the next one. At the limit
 * a new connection takes the place of the one that has waited longest, so a client that sends
 * its request at once (a probe, a scrape) is served whatever else is connected; only when every
 * connection is busy is the new one closed. A connection that waits longer than the idle timeout
 * is closed, and a request must be answered within the request timeout.
 */
final class OperatorHttpListener {

  private static final Logger log = LoggerFactory.getLogger(OperatorHttpListener.class);

  /** How often floods are reported: often enough to notice, rarely enough not to flood the log. */
  private static final Duration REPORT_INTERVAL = Duration.ofMinutes(1);

  private final String name;
  private final ServerBinding binding;
  private final ConnectionTable connections;
  private final Cancellable sweeper;

  private OperatorHttpListener(String name, ServerBinding binding, ConnectionTable connections, Cancellable sweeper) {
    this.name = name;
    this.binding = binding;
    this.connections = connections;
    this.sweeper = sweeper;
  }

  /**
   * Binds {@code host:port} and answers every request with {@code handler}.
   *
   * @param name what the listener serves, for log lines ("management", "metrics")
   */
  static CompletionStage<OperatorHttpListener> start(ActorSystem<?> system, String name, String host, int port,
      HttpListenerLimits limits, Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    ConnectionTable connections = new ConnectionTable(limits.maxConnections());
    Materializer materializer = Materializer.matFromSystem(system);
    return Http.get(system).newServerAt(host, port)
        .withSettings(serverSettings(system, limits))
        .connectionSource()
        .to(Sink.foreach(connection -> accept(connection, name, connections, handler, materializer)))
        .run(materializer)
        .thenApply(binding -> {
          Cancellable sweeper = startSweeper(system, name, connections, limits.idleTimeout());
          log.info("{} listening on [{}] (at most {} connections, idle timeout {}, request timeout {})", name,
              binding.localAddress(), limits.maxConnections(), limits.idleTimeout(), limits.requestTimeout());
          return new OperatorHttpListener(name, binding, connections, sweeper);
        });
  }

  int port() {
    return binding.localAddress().getPort();
  }

  /** Stops accepting and closes every open connection. */
  CompletionStage<Done> stop() {
    sweeper.cancel();
    connections.closeAll();
    log.debug("{} listener stopped", name);
    return binding.unbind();
  }

  private static void accept(IncomingConnection incoming, String name, ConnectionTable connections,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, Materializer materializer) {
    SharedKillSwitch closer = KillSwitches.shared(name + "-connection");
    Optional<Connection> admitted = connections.admit(closer, System.nanoTime());
    if (admitted.isEmpty()) {
      // Every connection is busy answering: closing this one at once is all that is left.
      incoming.handleWith(Flow.fromSinkAndSourceCoupled(Sink.<HttpRequest>cancelled(), Source.<HttpResponse>empty()),
          materializer);
      return;
    }
    Connection connection = admitted.get();
    incoming.handleWith(tracked(connection, connections, closer, handler), materializer);
  }

  /**
   * The handler with the connection's state kept up to date. The kill switch sits on the request
   * side: closing lets a request being answered finish, and ends a waiting connection at once.
   */
  private static Flow<HttpRequest, HttpResponse, NotUsed> tracked(Connection connection, ConnectionTable connections,
      SharedKillSwitch closer, Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    return Flow.of(HttpRequest.class)
        .via(closer.<HttpRequest>flow())
        .map(request -> {
          connections.busy(connection);
          return request;
        })
        .mapAsync(1, handler)
        .map(response -> {
          connections.waiting(connection, System.nanoTime());
          return response;
        })
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ok, error) -> connections.ended(connection));
          return notUsed;
        });
  }

  private static Cancellable startSweeper(ActorSystem<?> system, String name, ConnectionTable connections,
      Duration idleTimeout) {
    // A quarter of the timeout, a second at most: an idle connection outlives it by no more.
    Duration interval = Duration.ofMillis(Math.max(50, Math.min(1_000, idleTimeout.toMillis() / 4)));
    return system.scheduler().scheduleAtFixedRate(interval, interval, new Sweep(name, connections, idleTimeout),
        system.executionContext());
  }

  /** Closes connections idle for too long, and reports floods once per {@link #REPORT_INTERVAL}. */
  private static final class Sweep implements Runnable {
    private final String name;
    private final ConnectionTable connections;
    private final Duration idleTimeout;
    private volatile long lastReportNanos = System.nanoTime();

    Sweep(String name, ConnectionTable connections, Duration idleTimeout) {
      this.name = name;
      this.connections = connections;
      this.idleTimeout = idleTimeout;
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      connections.closeIdle(now, idleTimeout);
      if (now - lastReportNanos < REPORT_INTERVAL.toNanos()) {
        return;
      }
      lastReportNanos = now;
      Pressure pressure = connections.takePressure();
      if (pressure.any()) {
        log.warn("{} listener at its connection limit: {} waiting connections closed to make room and {} new ones"
            + " refused (all busy) in the last {}; {} open now", name, pressure.evicted(), pressure.refused(),
            REPORT_INTERVAL, pressure.open());
      }
    }
  }

  /**
   * HTTP/1.1 only (a probe or scraper needs no more, and one request at a time per connection is
   * what the accounting above assumes). Pekko's own idle timeout stays as a backstop that never
   * fires first. Requests here are small: bodies above 64 KiB are refused. Malformed requests are
   * not logged one by one: a closed slow-header client counts as one, and a flood would flood the
   * log (the sweep reports the flood instead).
   */
  private static ServerSettings serverSettings(ActorSystem<?> system, HttpListenerLimits limits) {
    long backstop = limits.idleTimeout().plus(limits.requestTimeout()).toMillis();
    String overrides = "pekko.http.server.preview.enable-http2 = off\n"
        + "pekko.http.server.pipelining-limit = 1\n"
        // As Pekko Management's own server: Cluster Bootstrap logs which node asked.
        + "pekko.http.server.remote-address-attribute = on\n"
        + "pekko.http.server.idle-timeout = " + backstop + "ms\n"
        + "pekko.http.server.request-timeout = " + limits.requestTimeout().toMillis() + "ms\n"
        + "pekko.http.server.parsing.max-content-length = 64k\n"
        + "pekko.http.server.parsing.error-logging-verbosity = off\n"
        // Prometheus' name[] filter is often written with bare brackets (curl, the JDK server took them).
        + "pekko.http.server.parsing.uri-parsing-mode = relaxed\n";
    return ServerSettings.create(ConfigFactory.parseString(overrides).withFallback(system.settings().config()));
  }
}
