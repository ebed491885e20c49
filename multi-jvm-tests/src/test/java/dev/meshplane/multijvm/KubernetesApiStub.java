package dev.meshplane.multijvm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.meshplane.protocol.tls.PemSslContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A STUB of the Kubernetes API server, not a Kubernetes API server: it answers exactly one call,
 * the pod list Pekko's {@code kubernetes-api} discovery makes
 * ({@code GET /api/v1/namespaces/<ns>/pods?labelSelector=<selector>}), over HTTPS with a throwaway
 * self-signed certificate, and records every request so a test can check what a node asked.
 *
 * <p>Like the real server it refuses a wrong bearer token (401) and answers an empty list to a
 * selector that matches no pods, so a node with the wrong settings never finds its peers.
 */
final class KubernetesApiStub implements AutoCloseable {

  /** One request as received: the raw path, the decoded label selector and the Authorization header. */
  record Request(String path, String labelSelector, String authorization) {}

  final Path caCertificate;
  private final HttpsServer server;
  private final String namespace;
  private final String token;
  private final String labelSelector;
  private final List<String> podIps;
  private final int containerPort;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private KubernetesApiStub(Path caCertificate, HttpsServer server, String namespace, String token,
      String labelSelector, List<String> podIps, int containerPort) {
    this.caCertificate = caCertificate;
    this.server = server;
    this.namespace = namespace;
    this.token = token;
    this.labelSelector = labelSelector;
    this.podIps = podIps;
    this.containerPort = containerPort;
  }

  /**
   * Serves, on a free 127.0.0.1 port, Running pods with {@code podIps} whose container declares a
   * port named {@code management} = {@code managementPort}, to requests in {@code namespace} with
   * {@code labelSelector} and {@code token}.
   */
  static KubernetesApiStub start(Path directory, String namespace, String token, String labelSelector,
      List<String> podIps, int managementPort) throws IOException, InterruptedException {
    Path certificate = directory.resolve("apiserver.crt");
    Path key = directory.resolve("apiserver.key");
    selfSignedCertificate(certificate, key);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(PemSslContexts.fromPemFiles(certificate, key)));
    KubernetesApiStub stub =
        new KubernetesApiStub(certificate, server, namespace, token, labelSelector, podIps, managementPort);
    server.createContext("/", stub::handle);
    server.start();
    return stub;
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getQuery(); // decoded
      String selector = query != null && query.startsWith("labelSelector=")
          ? query.substring("labelSelector=".length())
          : null;
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      requests.add(new Request(path, selector, authorization));

      if (!("Bearer " + token).equals(authorization)) {
        respond(exchange, 401, status("Unauthorized", 401));
      } else if (!path.equals("/api/v1/namespaces/" + namespace + "/pods")) {
        respond(exchange, 404, status("NotFound", 404));
      } else if (!labelSelector.equals(selector)) {
        respond(exchange, 200, podList(List.of()));
      } else {
        respond(exchange, 200, podList(podIps));
      }
    } finally {
      exchange.close();
    }
  }

  /** The fields Pekko's discovery reads, inside the shape a real pod list has. */
  private String podList(List<String> ips) {
    String items = ips.stream().map(ip -> """
        {"metadata":{"name":"meshplane-%1$s","namespace":"%2$s"},
         "spec":{"containers":[{"name":"meshplane","ports":[{"name":"management","containerPort":%3$d,"protocol":"TCP"}]}]},
         "status":{"phase":"Running","podIP":"%4$s","containerStatuses":[{"name":"meshplane","state":{"running":{}}}]}}"""
        .formatted(ip.replace('.', '-'), namespace, containerPort, ip))
        .collect(Collectors.joining(","));
    return "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
        + items + "]}";
  }

  private static String status(String reason, int code) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
        + "\",\"code\":" + code + "}";
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /**
   * A throwaway certificate for 127.0.0.1 that is its own CA: the nodes trust it as the cluster CA
   * (api-ca-path) and check the server's address against its subjectAltName, as against a real one.
   */
  private static void selfSignedCertificate(Path certificate, Path key) throws IOException, InterruptedException {
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-nodes", "-days", "1",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-subj", "/CN=kubernetes-api-stub", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", key.toString(), "-out", certificate.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0 || !Files.exists(certificate)) {
      throw new AssertionError("openssl could not create the stub's certificate:\n" + output);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
