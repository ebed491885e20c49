package dev.meshplane.bootstrap;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Prometheus text exposition on {@code /metrics}, served by the Prometheus client's own server. */
final class MetricsEndpoint implements AutoCloseable {

  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  static MetricsEndpoint start(String bindHost, int port, PrometheusRegistry registry) {
    try {
      return new MetricsEndpoint(
          HTTPServer.builder().hostname(bindHost).port(port).registry(registry).buildAndStart());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + bindHost + ":" + port + ": " + e.getMessage(), e);
    }
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
