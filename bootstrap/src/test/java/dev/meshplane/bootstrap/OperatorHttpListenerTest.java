package dev.meshplane.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshplane.testkit.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator listener on loopback, driven by raw sockets (idle, slow and busy clients) and the
 * JDK's HTTP client (the client that must get through).
 */
class OperatorHttpListenerTest {

  private static final Duration ANSWER = Duration.ofSeconds(2);
  private static final Duration LONG = Duration.ofMinutes(1);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER).build();
  private final List<Socket> clients = new ArrayList<>();
  private final List<CompletableFuture<org.apache.pekko.http.javadsl.model.HttpResponse>> hanging = new ArrayList<>();
  private ActorSystem<Void> system;
  private OperatorHttpListener listener;

  @BeforeEach
  void startSystem() {
    system = ActorSystem.create(Behaviors.empty(), "operator-http-test");
  }

  @AfterEach
  void stopEverything() throws IOException {
    for (Socket client : clients) {
      client.close();
    }
    hanging.forEach(answer -> answer.complete(org.apache.pekko.http.javadsl.model.HttpResponse.create()));
    if (listener != null) {
      listener.stop();
    }
    system.terminate();
  }

  @Test
  void aClientWithARequestIsServedWhileEveryConnectionIsTakenByIdleOnes() throws Exception {
    start(new HttpListenerLimits(4, LONG, LONG));
    Socket oldest = connect();
    for (int i = 0; i < 3; i++) {
      connect();
    }

    assertEquals(200, get("/ok").statusCode());
    Await.until(ANSWER, "the longest waiting connection closed to make room", () -> closedByServer(oldest));
  }

  @Test
  void aClientThatTricklesItsHeadersIsClosedAfterTheIdleTimeout() throws Exception {
    start(new HttpListenerLimits(4, Duration.ofMillis(300), LONG));
    Socket slow = connect();
    OutputStream out = slow.getOutputStream();
    out.write("GET /ok HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));

    // One more byte of a header value at every poll: the connection is never idle at the byte
    // level, and the value stays far below Pekko's length limit (8 KiB) until the deadline.
    Await.until(Duration.ofSeconds(5), "the trickling client closed", () -> !trickle(out));
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    start(new HttpListenerLimits(4, Duration.ofMillis(300), LONG));
    Socket client = connect();
    client.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] status = client.getInputStream().readNBytes("HTTP/1.1 200".length());
    assertEquals("HTTP/1.1 200", new String(status, StandardCharsets.US_ASCII));

    Await.until(Duration.ofSeconds(5), "the idle connection closed", () -> closedByServer(client));
  }

  @Test
  void whenEveryConnectionIsBusyANewOneIsClosedAtOnce() throws Exception {
    start(new HttpListenerLimits(2, LONG, LONG));
    for (int i = 0; i < 2; i++) {
      connect().getOutputStream().write("GET /hang HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
    }
    Await.until(ANSWER, "both requests being answered", () -> hangingCount() == 2);

    Socket third = connect();
    Await.until(ANSWER, "the third connection closed", () -> closedByServer(third));
  }

  private void start(HttpListenerLimits limits) throws Exception {
    Function<org.apache.pekko.http.javadsl.model.HttpRequest,
        CompletionStage<org.apache.pekko.http.javadsl.model.HttpResponse>> handler = request -> {
          if (request.getUri().path().equals("/hang")) {
            CompletableFuture<org.apache.pekko.http.javadsl.model.HttpResponse> answer = new CompletableFuture<>();
            synchronized (hanging) {
              hanging.add(answer);
            }
            return answer;
          }
          return CompletableFuture.completedFuture(
              org.apache.pekko.http.javadsl.model.HttpResponse.create().withEntity(HttpEntities.create("ok")));
        };
    listener = OperatorHttpListener.start(system, "test", "127.0.0.1", 0, limits, handler)
        .toCompletableFuture().get();
  }

  private int hangingCount() {
    synchronized (hanging) {
      return hanging.size();
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    clients.add(socket);
    socket.connect(new InetSocketAddress("127.0.0.1", listener.port()), (int) ANSWER.toMillis());
    return socket;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + path))
        .timeout(ANSWER).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Whether the server closed {@code socket}: a read ends, or fails, rather than waiting. */
  private static boolean closedByServer(Socket socket) {
    try {
      socket.setSoTimeout(1);
      while (true) {
        if (socket.getInputStream().read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static boolean trickle(OutputStream out) {
    try {
      out.write('x');
      out.flush();
      return true;
    } catch (IOException closed) {
      return false;
    }
  }
}
