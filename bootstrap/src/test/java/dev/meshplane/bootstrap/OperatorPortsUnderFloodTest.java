package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.testkit.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacks that took a node's operator ports down, replayed on loopback against an
 * in-process node: health and metrics must still answer, within the time a probe waits.
 */
class OperatorPortsUnderFloodTest {

  /** What a probe or scraper waits at most; Kubernetes' default probe timeout is 1 s. */
  private static final Duration ANSWER = Duration.ofSeconds(2);
  private static final int IDLE_CONNECTIONS = 1_100;
  private static final int SLOW_HEADER_CLIENTS = 20;

  private static MeshplaneNode node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER).build();
  private final List<Socket> flood = new ArrayList<>();

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(Map.of());
  }

  @AfterAll
  static void stopNode() {
    node.shutdown();
  }

  @AfterEach
  void endFlood() throws IOException {
    for (Socket socket : flood) {
      socket.close();
    }
  }

  @Test
  void readyAndAliveAnswerDuringAFloodOfIdleAndSlowHeaderConnections() throws Exception {
    int port = node.settings().managementPort();
    Await.until(Duration.ofSeconds(30), "the node ready", () -> status(port, "/ready") == 200);

    for (int i = 0; i < SLOW_HEADER_CLIENTS; i++) {
      startSlowRequest(port, "/ready");
    }
    for (int i = 0; i < IDLE_CONNECTIONS; i++) {
      connect(port);
    }

    assertEquals(200, probe(port, "/ready"));
    assertEquals(200, probe(port, "/alive"));
  }

  @Test
  void metricsAnswerWithStalledClientsConnected() throws Exception {
    int port = node.metricsPort();
    for (int i = 0; i < SLOW_HEADER_CLIENTS; i++) {
      startSlowRequest(port, "/metrics");
    }

    HttpResponse<String> text = HttpClient.newHttpClient().send(request(port, "/metrics").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, text.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=UTF-8",
        text.headers().firstValue("Content-Type").orElse(""));
    assertTrue(text.body().contains("# TYPE active_peers gauge\nactive_peers 0.0\n"), text.body());
  }

  @Test
  void metricsKeepTheFormatsAndPathsOfThePrometheusClient() throws Exception {
    int port = node.metricsPort();
    HttpResponse<String> openMetrics = http.send(request(port, "/metrics")
        .header("Accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, openMetrics.statusCode());
    assertTrue(openMetrics.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
        openMetrics.headers().toString());
    assertTrue(openMetrics.body().endsWith("# EOF\n"), openMetrics.body());

    HttpResponse<String> filtered = get(port, "/metrics?name[]=active_peers");
    assertTrue(filtered.body().contains("active_peers 0.0"), filtered.body());
    assertTrue(!filtered.body().contains("messages_forwarded_total"), filtered.body());

    assertEquals("Exporter is healthy.\n", get(port, "/-/healthy").body());
  }

  /**
   * A probe as a kubelet makes one: a new client, so a new connection, rather than one kept
   * alive from an earlier request (which would already be past any queue).
   */
  private static int probe(int port, String path) throws Exception {
    HttpClient fresh = HttpClient.newBuilder().connectTimeout(ANSWER).build();
    return fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(ANSWER).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A connection that has sent part of its request headers and stops there. */
  private void startSlowRequest(int port, String path) throws IOException {
    connect(port).getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .getBytes(StandardCharsets.US_ASCII));
  }

  private Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    flood.add(socket);
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) ANSWER.toMillis());
    return socket;
  }

  private HttpRequest.Builder request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(ANSWER);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(request(port, path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
