package dev.meshplane.bootstrap;

import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus exposition on {@code /metrics}: the Prometheus client's scrape handler (text format,
 * or what the scraper's {@code Accept} header asks for, gzip and {@code name[]} filters as
 * before), served by an {@link OperatorHttpListener} so that stalled clients cannot hold every
 * thread, as they could with the client's own JDK HTTP server. Scrapes run on Pekko's blocking
 * dispatcher, a bounded pool. {@code /-/healthy} answers as the client's server did.
 */
final class MetricsEndpoint {

  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final OperatorHttpListener listener;

  private MetricsEndpoint(OperatorHttpListener listener) {
    this.listener = listener;
  }

  static CompletionStage<MetricsEndpoint> start(ActorSystem<?> system, String bindHost, int port,
      HttpListenerLimits limits, PrometheusRegistry registry) {
    Executor scrapes = system.dispatchers().lookup(DispatcherSelector.blocking());
    Materializer materializer = Materializer.matFromSystem(system);
    return OperatorHttpListener.start(system, "metrics", bindHost, port, limits,
            handler(new PrometheusScrapeHandler(registry), scrapes, materializer))
        .thenApply(MetricsEndpoint::new);
  }

  int port() {
    return listener.port();
  }

  void close() {
    listener.stop();
  }

  private static Function<HttpRequest, CompletionStage<HttpResponse>> handler(PrometheusScrapeHandler scrape,
      Executor scrapes, Materializer materializer) {
    return request -> {
      request.discardEntityBytes(materializer);
      return switch (request.getUri().path()) {
        case "/metrics" -> CompletableFuture.supplyAsync(() -> scrape(scrape, request), scrapes)
            .exceptionally(MetricsEndpoint::scrapeFailed);
        case "/-/healthy" -> CompletableFuture.completedFuture(
            HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, "Exporter is healthy.\n"));
        default -> CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND));
      };
    };
  }

  private static HttpResponse scrapeFailed(Throwable error) {
    log.warn("Metrics scrape failed", error);
    return HttpResponse.create().withStatus(StatusCodes.INTERNAL_SERVER_ERROR);
  }

  private static HttpResponse scrape(PrometheusScrapeHandler scrape, HttpRequest request) {
    ScrapeExchange exchange = new ScrapeExchange(request);
    try {
      scrape.handleRequest(exchange);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return exchange.response();
  }
}
