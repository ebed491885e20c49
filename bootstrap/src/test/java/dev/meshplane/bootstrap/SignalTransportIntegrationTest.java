package dev.meshplane.bootstrap;

import static dev.meshplane.bootstrap.Http2Frames.GOAWAY;
import static dev.meshplane.bootstrap.Http2Frames.HEADERS;
import static dev.meshplane.bootstrap.Http2Frames.PING;
import static dev.meshplane.bootstrap.Http2Frames.hpackLiterals;
import static dev.meshplane.bootstrap.Http2Frames.readFrame;
import static dev.meshplane.bootstrap.Http2Frames.readUnchecked;
import static dev.meshplane.bootstrap.Http2Frames.startConnection;
import static dev.meshplane.bootstrap.Http2Frames.writeFrame;
import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.bootstrap.Http2Frames.Frame;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import dev.meshplane.testkit.Await;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signal port's transport: TLS from PEM files, and an HTTP/2 ping policy Go clients can live with. */
class SignalTransportIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void servesSignalOverTlsFromPemFiles(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString());
    MeshplaneNode node = TestNodes.start(Map.of(
        "meshplane.signal.tls.cert-file", cert.toString(),
        "meshplane.signal.tls.key-file", key.toString()));
    try (SignalTestClient client = new SignalTestClient(
            NettyChannelBuilder.forAddress("127.0.0.1", node.signalPort())
                .overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build())
                .build());
        PeerStream bob = client.connect("bob")) {
      assertEquals("1", bob.awaitRegistered(WAIT));
      client.send(message("alice", "bob", "over tls"));
      assertEquals("over tls", bob.next(WAIT).getBody().toStringUtf8());
    } finally {
      node.shutdown();
    }
  }

  /**
   * grpc-go servers answer clients that ping "too often" with GOAWAY ENHANCE_YOUR_CALM; Go
   * clients ping every 30 s and must never be cut off for it. A raw HTTP/2 client pings far more
   * often than any real client and must get every PING acknowledged and no GOAWAY.
   */
  @Test
  void frequentClientPingsAreAnsweredAndNeverPunished() throws Exception {
    MeshplaneNode node = TestNodes.start(Map.of());
    try (Socket socket = new Socket("127.0.0.1", node.signalPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      startConnection(out);
      int pings = 50;
      for (int i = 0; i < pings; i++) {
        writeFrame(out, PING, 0, new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) i});
      }
      out.flush();

      DataInputStream in = new DataInputStream(socket.getInputStream());
      int acks = 0;
      while (acks < pings) {
        Frame frame = readFrame(in);
        assertNotEquals(GOAWAY, frame.type(), "server sent GOAWAY after " + acks + " ping acks");
        if (frame.isPingAck()) {
          assertEquals((byte) acks, frame.payload()[7], "acks come back in order with their payload");
          acks++;
        }
      }
      assertEquals(pings, acks);
    } finally {
      node.shutdown();
    }
  }

  /**
   * A peer with an open stream that stops answering pings (a hung client, a broken middlebox) is
   * found by the server's pings and told GOAWAY, so it reconnects.
   */
  @Test
  void openStreamWhosePeerNeverAcksPingsGetsGoaway() throws Exception {
    MeshplaneNode node = TestNodes.start(Map.of(
        "meshplane.signal.keepalive.ping-interval", "2s",
        "meshplane.signal.keepalive.ping-timeout", "1s"));
    try (Socket socket = new Socket("127.0.0.1", node.signalPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      startConnection(out);
      // HEADERS (END_HEADERS) opening ConnectStream on stream 1; pings run only while streams are open.
      writeFrame(out, HEADERS, 0x4, 1, hpackLiterals(
          ":method", "POST", ":scheme", "http", ":path", "/signalexchange.SignalExchange/ConnectStream",
          ":authority", "127.0.0.1", "content-type", "application/grpc", "te", "trailers",
          "x-wiretrustee-peer-id", "silent-peer"));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      AtomicBoolean pinged = new AtomicBoolean();
      AtomicBoolean responseHeaders = new AtomicBoolean();
      Await.until(WAIT, "GOAWAY from the server", () -> {
        Frame frame = readUnchecked(in);
        if (frame.type() == HEADERS && frame.stream() == 1) {
          responseHeaders.set(true);
        }
        if (frame.type() == PING && !frame.isPingAck()) {
          pinged.set(true);
        }
        return frame.type() == GOAWAY;
      });
      assertEquals(true, responseHeaders.get(), "the stream was registered");
      assertEquals(true, pinged.get(), "the server pinged before giving up");
    } finally {
      node.shutdown();
    }
  }

  private static void run(Path dir, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
    }
  }
}
