package dev.meshplane.bootstrap;

import static dev.meshplane.protocol.signal.testkit.SignalTestClient.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.meshplane.protocol.signal.testkit.PeerStream;
import dev.meshplane.protocol.signal.testkit.SignalTestClient;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      writeFrame(out, 0x4, 0, new byte[0]); // empty SETTINGS
      int pings = 50;
      for (int i = 0; i < pings; i++) {
        writeFrame(out, 0x6, 0, new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) i});
      }
      out.flush();

      DataInputStream in = new DataInputStream(socket.getInputStream());
      int acks = 0;
      while (acks < pings) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        in.readInt(); // stream id
        byte[] payload = in.readNBytes(length);
        assertNotEquals(0x7, type, "server sent GOAWAY after " + acks + " ping acks");
        if (type == 0x6 && (flags & 0x1) != 0) {
          assertEquals((byte) acks, payload[7], "acks come back in order with their payload");
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
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      writeFrame(out, 0x4, 0, new byte[0]);
      // HEADERS (END_HEADERS) opening ConnectStream on stream 1; pings run only while streams are open.
      writeFrame(out, 0x1, 0x4, 1, hpackLiterals(
          ":method", "POST", ":scheme", "http", ":path", "/signalexchange.SignalExchange/ConnectStream",
          ":authority", "127.0.0.1", "content-type", "application/grpc", "te", "trailers",
          "x-wiretrustee-peer-id", "silent-peer"));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      boolean pinged = false;
      boolean responseHeaders = false;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("no GOAWAY within " + WAIT + " (pinged: " + pinged + ")");
        }
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt();
        in.readNBytes(length);
        responseHeaders |= type == 0x1 && stream == 1;
        pinged |= type == 0x6 && (flags & 0x1) == 0;
        if (type == 0x7) {
          break;
        }
      }
      assertEquals(true, responseHeaders, "the stream was registered");
      assertEquals(true, pinged, "the server pinged before giving up");
    } finally {
      node.shutdown();
    }
  }

  /** HPACK "literal header field without indexing", no Huffman: enough for short ASCII headers. */
  private static byte[] hpackLiterals(String... namesAndValues) {
    java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      byte[] name = namesAndValues[i].getBytes(StandardCharsets.US_ASCII);
      byte[] value = namesAndValues[i + 1].getBytes(StandardCharsets.US_ASCII);
      block.write(0x00);
      block.write(name.length);
      block.writeBytes(name);
      block.write(value.length);
      block.writeBytes(value);
    }
    return block.toByteArray();
  }

  private static void writeFrame(OutputStream out, int type, int flags, byte[] payload) throws IOException {
    writeFrame(out, type, flags, 0, payload);
  }

  private static void writeFrame(OutputStream out, int type, int flags, int stream, byte[] payload)
      throws IOException {
    out.write(new byte[] {
      (byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
      (byte) type, (byte) flags,
      (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream
    });
    out.write(payload);
  }

  private static void run(Path dir, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
    }
  }
}
