package dev.meshplane.relay;

import dev.meshplane.protocol.relay.AuthTokenV2;
import dev.meshplane.protocol.relay.RelayAuthSecret;
import dev.meshplane.relay.testkit.RelayTestPeer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * The relay server of one test, on loopback with its own metrics registry, and the peers that
 * connect to it with the JDK's WebSocket client. The server and the peers close when the test ends.
 */
final class LoopbackRelay {

  /** The peers' client; each peer opens its own WebSocket with it. */
  static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Signs tokens with the servers' secret, for tests that choose the expiry. */
  static final AuthTokenV2 TOKENS = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret(RelayTestSupport.SECRET));

  private final TestActorSystem system;
  private PrometheusRegistry registry;
  private RelayServer server;

  LoopbackRelay(TestActorSystem system) {
    this.system = system;
  }

  /** Starts the server with {@code overrides} of {@link RelayTestSupport#settings}, on a fresh registry. */
  void start(Map<String, Object> overrides) throws Exception {
    registry = new PrometheusRegistry();
    server = system.stopAfterTest(RelayTestSupport.startServer(system.get(), overrides, registry));
  }

  PrometheusRegistry registry() {
    return registry;
  }

  RelayServer server() {
    return server;
  }

  URI uri() {
    return RelayTestSupport.uri(server);
  }

  /** A peer that authenticated with a valid token. */
  RelayTestPeer peer(String publicKey) throws Exception {
    return peer(publicKey, RelayTestSupport.validToken());
  }

  /** A peer that authenticated with {@code token}. */
  RelayTestPeer peer(String publicKey, byte[] token) throws Exception {
    return system.closeAfterTest(RelayTestPeer.authenticated(HTTP, uri(), publicKey, token));
  }

  /** A peer with an open WebSocket that has not sent its Auth yet. */
  RelayTestPeer unauthenticated(String publicKey) throws Exception {
    return system.closeAfterTest(RelayTestPeer.connect(HTTP, uri(), publicKey));
  }
}
