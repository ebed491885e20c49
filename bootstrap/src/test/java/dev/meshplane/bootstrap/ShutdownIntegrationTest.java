package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Coordinated shutdown (what SIGTERM runs) ends open signal streams with UNAVAILABLE. */
class ShutdownIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void shutdownEndsStreamsWithUnavailableAndTurnsReadinessOff() throws Exception {
    int managementPort = TestNodes.freePort();
    MeshplaneNode node = TestNodes.start(Map.of(
        "meshplane.management.port", managementPort,
        // Long enough to observe /ready failing before the streams are ended.
        "meshplane.shutdown.readiness-delay", "1s"));
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/ready");
    Await.until(WAIT, "/ready = 200", () -> status(http, ready) == 200);

    try (SignalTestClient client = new SignalTestClient("127.0.0.1", node.signalPort());
        PeerStream a = client.connect("peer-a");
        PeerStream b = client.connect("peer-b")) {
      a.awaitRegistered(WAIT);
      b.awaitRegistered(WAIT);

      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(node::shutdown);
      // Pekko Management answers a failed readiness check with 500; anything but 200 takes the
      // node out of a Kubernetes Service.
      Await.until(WAIT, "/ready answers not-ready while draining", () -> status(http, ready) == 500);
      assertEquals(Status.Code.UNAVAILABLE, a.awaitClose(WAIT).getCode());
      assertEquals(Status.Code.UNAVAILABLE, b.awaitClose(WAIT).getCode());
      shutdown.get();
    }
  }

  private static int status(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
