package dev.meshplane.bootstrap;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * One scrape as the Prometheus client's handler sees an HTTP exchange: the Pekko request in, the
 * status, headers and body it writes collected into a Pekko response.
 */
final class ScrapeExchange implements PrometheusHttpExchange {

  private final HttpRequest request;
  private final List<HttpHeader> headers = new ArrayList<>();
  private ContentType contentType = ContentTypes.APPLICATION_OCTET_STREAM;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int status = 500;

  ScrapeExchange(HttpRequest request) {
    this.request = request;
  }

  HttpResponse response() {
    return HttpResponse.create()
        .withStatus(status)
        .addHeaders(headers)
        .withEntity(HttpEntities.create(contentType, body.toByteArray()));
  }

  @Override
  public PrometheusHttpRequest getRequest() {
    return new PrometheusHttpRequest() {
      @Override
      public String getQueryString() {
        return request.getUri().rawQueryString().orElse(null);
      }

      @Override
      public Enumeration<String> getHeaders(String name) {
        List<String> values = new ArrayList<>();
        for (HttpHeader header : request.getHeaders()) {
          if (header.is(name.toLowerCase(Locale.ROOT))) {
            values.add(header.value());
          }
        }
        return Collections.enumeration(values);
      }

      @Override
      public String getMethod() {
        return request.method().value();
      }

      @Override
      public String getRequestPath() {
        return request.getUri().path();
      }
    };
  }

  @Override
  public PrometheusHttpResponse getResponse() {
    return new PrometheusHttpResponse() {
      @Override
      public void setHeader(String name, String value) {
        // Pekko derives these two from the entity; they cannot be set as headers.
        if (name.equalsIgnoreCase("Content-Type")) {
          contentType = ContentTypes.parse(value);
        } else if (!name.equalsIgnoreCase("Content-Length")) {
          headers.add(HttpHeader.parse(name, value));
        }
      }

      @Override
      public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
        status = statusCode;
        return body;
      }
    };
  }

  @Override
  public void handleException(IOException e) throws IOException {
    throw e;
  }

  @Override
  public void handleException(RuntimeException e) {
    throw e;
  }

  @Override
  public void close() {
    // Nothing is open: the response is built once the handler returns.
  }
}
