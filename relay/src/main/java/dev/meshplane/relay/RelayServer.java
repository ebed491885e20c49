package dev.meshplane.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.meshplane.protocol.relay.AuthTokenV2;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayAuthSecret;
import dev.meshplane.protocol.relay.RelayMessage.AuthResponse;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.tls.PemSslContexts;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay service on one node: a WebSocket listener on {@code /relay} (openzro relay/server; docs/relay.md) whose
 * connections authenticate with a relay token and then exchange transport messages through the
 * local peer store. Start with {@link #start}, stop with {@link #stop}.
 */
public final class RelayServer {

  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

  /** The only path openzro clients use; they force it regardless of the configured URL. */
  public static final String PATH = "/relay";

  /**
   * Pekko HTTP's own connection cap must sit above ours (both budgets), so that connections beyond
   * them still reach the handler and get a clear 503 instead of waiting in the accept backlog.
   */
  private static final int HTTP_CONNECTION_HEADROOM = 64;

  private final RelaySettings settings;
  private final Materializer materializer;
  private final PeerStore store;
  private final RelayMetrics metrics;
  /** Open connections and their places in {@link #budget}. */
  private final Map<PeerConnection, ConnectionBudget.Slot> connections = new ConcurrentHashMap<>();
  private final ConnectionBudget budget;
  private final ActorSystem<?> system;
  private final AuthTokenV2 tokens;
  private final AtomicReference<RemotePeers> remote = new AtomicReference<>(RemotePeers.NONE);
  private volatile RelayRuntime runtime;
  private volatile ServerBinding binding;
  private volatile boolean stopping;

  private RelayServer(ActorSystem<?> system, RelaySettings settings, PrometheusRegistry registry) {
    this.system = system;
    this.settings = settings;
    this.materializer = Materializer.matFromSystem(system);
    this.store = new PeerStore();
    // The one place the configured secret becomes the HMAC key: SHA-256 of it, as openzro (relay/auth).
    this.tokens = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret(settings.authSecret()))
        .withMaxLifetime(settings.maxTokenLifetime());
    this.budget = ConnectionBudget.of(settings);
    this.metrics = RelayMetrics.register(registry, store, budget);
  }

  /**
   * Binds the listener and completes with the running server.
   *
   * @throws IllegalArgumentException (at once, before binding) if no auth secret is configured or
   *     the TLS files cannot be loaded; the message is one line naming the setting
   */
  public static CompletionStage<RelayServer> start(ActorSystem<?> system, RelaySettings settings,
      PrometheusRegistry registry) {
    if (!settings.hasAuthSecret()) {
      throw new IllegalArgumentException(RelaySettings.PATH + ".auth-secret: not set; the relay needs the secret "
          + "management signs relay tokens with");
    }
    Optional<SSLContext> tls = loadTls(settings);
    RelayServer server = new RelayServer(system, settings, registry);
    ServerBuilder builder = Http.get(system).newServerAt(settings.host(), settings.port())
        .withSettings(server.serverSettings());
    if (tls.isPresent()) {
      builder = builder.enableHttps(ConnectionContext.httpsServer(tls.get()));
    }
    return builder.bindSync(server::handle)
        .thenApply(bound -> server.onBound(bound))
        .whenComplete((ok, failure) -> {
          if (failure != null) {
            server.metrics.unregister();
          }
        });
  }

  /** The TCP port the listener is bound to (the real one when configured with port 0). */
  public int boundPort() {
    return binding.localAddress().getPort();
  }

  /** The URL sent to peers in every AuthResponse (docs/relay.md, Instance URL). */
  public String instanceUrl() {
    return settings.instanceUrl(boundPort());
  }

  /** Authenticated peers currently connected. */
  public int connectedPeers() {
    return store.size();
  }

  /**
   * The peers connected to this node, as the inter-node fabric sees them: membership checks and
   * delivery of messages forwarded by other nodes.
   */
  public LocalPeers localPeers() {
    return new LocalPeers() {
      @Override
      public boolean has(PeerId peer) {
        return store.contains(peer);
      }

      @Override
      public boolean deliver(PeerId destination, ByteString transportMessage) {
        PeerConnection target = store.get(destination);
        return target != null && target.deliver(transportMessage);
      }

      @Override
      public int maxMessageSize() {
        return settings.maxMessageSize();
      }
    };
  }

  /**
   * Attaches the inter-node fabric: from now on messages to peers not connected here go to it
   * instead of being dropped, and subscriptions see peers on other nodes.
   */
  public void useRemotePeers(RemotePeers peers) {
    remote.set(Objects.requireNonNull(peers, "peers"));
  }

  /**
   * Stops accepting connections, sends Close to every peer, waits up to
   * {@code shutdown-timeout} for them to go, cuts the rest, and unregisters the metrics.
   */
  public CompletionStage<Done> stop() {
    stopping = true;
    Duration budget = settings.shutdownTimeout();
    return binding.unbind()
        .thenCompose(unbound -> {
          List<CompletableFuture<Done>> closing = new ArrayList<>();
          for (PeerConnection connection : List.copyOf(connections.keySet())) {
            connection.shutdown();
            closing.add(connection.terminated().toCompletableFuture());
          }
          log.info("Relay stopping: closing {} connections", closing.size());
          return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
              .completeOnTimeout(null, budget.toMillis(), TimeUnit.MILLISECONDS);
        })
        .thenCompose(drained -> binding.terminate(Duration.ofMillis(100)))
        .handle((terminated, failure) -> {
          if (failure != null) {
            log.warn("Relay stop did not complete cleanly", failure);
          }
          metrics.unregister();
          return Done.getInstance();
        });
  }

  // ------------------------------------------------------------ internals

  private RelayServer onBound(ServerBinding bound) {
    this.binding = bound;
    String url = settings.instanceUrl(bound.localAddress().getPort());
    byte[] authResponse = RelayMessageCodec.encode(new AuthResponse(url));
    this.runtime = new RelayRuntime(settings, store, metrics, tokens,
        BinaryMessage.create(ByteString.fromArrayUnsafe(authResponse)), Clock.systemUTC(), materializer,
        system.scheduler(), system.executionContext(), this::onConnectionClosed, remote);
    log.info("Relay listening on {}:{}{} ({}), instance URL {}", settings.host(), bound.localAddress().getPort(), PATH,
        settings.tlsEnabled() ? "wss" : "ws", url);
    return this;
  }

  private HttpResponse handle(HttpRequest request) {
    if (!PATH.equals(request.getUri().path())) {
      request.discardEntityBytes(materializer);
      return HttpResponse.create().withStatus(StatusCodes.NOT_FOUND);
    }
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    if (upgrade.isEmpty()) {
      request.discardEntityBytes(materializer);
      return HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST)
          .withEntity("expected a WebSocket upgrade on " + PATH);
    }
    RelayRuntime current = runtime;
    if (stopping || current == null) {
      return HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE);
    }
    ConnectionBudget.Admission admission = budget.open(clientAddressOf(request));
    if (admission.slot() == null) {
      metrics.handshake(admission.refusal().label());
      log.warn("Refusing relay connection from {}: {} ({} handshaking, {} authenticated)", remoteOf(request),
          admission.refusal().label(), budget.handshaking(), budget.authenticated());
      return HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE);
    }
    PeerConnection connection = new PeerConnection(current, remoteOf(request), admission.slot());
    connections.put(connection, admission.slot());
    HttpResponse response = upgrade.get().handleMessagesWith(connection.flow());
    connection.startHandshakeTimer();
    return response;
  }

  private void onConnectionClosed(PeerConnection connection) {
    ConnectionBudget.Slot slot = connections.remove(connection);
    if (slot != null) {
      slot.release();
    }
  }

  private ServerSettings serverSettings() {
    Config overrides = ConfigFactory.parseMap(Map.of(
        // Health checks keep live connections busy; this only reaps sockets nobody uses.
        "pekko.http.server.idle-timeout", settings.idleTimeout().toMillis() + "ms",
        "pekko.http.server.max-connections",
        settings.maxConnections() + settings.maxHandshakingConnections() + HTTP_CONNECTION_HEADROOM,
        // Relayed WireGuard packets are small and latency-sensitive: never hold them back
        // waiting for an ACK (Nagle), which the OS default would do.
        "pekko.http.server.socket-options.tcp-no-delay", "on",
        // Needed to log the peer's address when no proxy headers are present.
        "pekko.http.server.remote-address-attribute", "on"));
    return ServerSettings.create(overrides.withFallback(system.settings().config()));
  }

  /** {@code X-Real-Ip}:{@code X-Real-Port} when a proxy set both (as the Go server), else the TCP peer. */
  private static String remoteOf(HttpRequest request) {
    Optional<HttpHeader> ip = request.getHeader("X-Real-Ip");
    Optional<HttpHeader> port = request.getHeader("X-Real-Port");
    if (ip.isPresent() && port.isPresent()) {
      return ip.get().value() + ":" + port.get().value();
    }
    return request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(address -> address.getAddress().map(inet -> inet.getHostAddress() + ":" + address.getPort()))
        .orElse("unknown");
  }

  /**
   * The address {@code max-connections-per-address} counts: {@code X-Real-Ip} when the settings
   * trust the proxy in front and it set one, else the TCP peer's IP (never its port).
   */
  private String clientAddressOf(HttpRequest request) {
    if (settings.trustXRealIp()) {
      Optional<HttpHeader> ip = request.getHeader("X-Real-Ip");
      if (ip.isPresent() && !ip.get().value().isBlank()) {
        return ip.get().value().trim();
      }
    }
    return request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(address -> address.getAddress().map(inet -> inet.getHostAddress()))
        .orElse("unknown");
  }

  private static Optional<SSLContext> loadTls(RelaySettings settings) {
    if (!settings.tlsEnabled()) {
      return Optional.empty();
    }
    try {
      return Optional.of(PemSslContexts.fromPemFiles(settings.tlsCertFile().orElseThrow(),
          settings.tlsKeyFile().orElseThrow()));
    } catch (Exception e) {
      throw new IllegalArgumentException(RelaySettings.PATH + ".tls: cannot load " + settings.tlsCertFile().orElseThrow()
          + " / " + settings.tlsKeyFile().orElseThrow() + ": " + e.getMessage());
    }
  }
}
