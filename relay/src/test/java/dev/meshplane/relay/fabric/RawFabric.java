package dev.meshplane.relay.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The fabric wire as a foreign pod sees it, written from openzro's relay/server/cluster/frame.go
 * and messages.go alone (plain sockets, {@code javax.crypto.Mac}), sharing no code with the
 * project's codec, so the tests that use it cannot share a misreading of the wire with the code
 * they test.
 */
public final class RawFabric {

  public static final int HELLO = 0x00;
  public static final int PING = 0x20;
  public static final int PONG = 0x21;
  /** meshplane's extensions that prove a stream (docs/relay.md#the-fabric-between-relay-nodes). */
  public static final int CHALLENGE = 0xE2;
  public static final int PROOF = 0xE3;
  /** The prover's end of the stream in a proof: it dialed, or it accepted. */
  public static final int DIALER = 0x01;
  public static final int ACCEPTOR = 0x02;

  private RawFabric() {}

  /** Type, uint16 BE payload length, payload (WriteFrame). */
  public static byte[] frame(int type, byte[] payload) {
    byte[] out = new byte[3 + payload.length];
    out[0] = (byte) type;
    out[1] = (byte) (payload.length >>> 8);
    out[2] = (byte) payload.length;
    System.arraycopy(payload, 0, out, 3, payload.length);
    return out;
  }

  /**
   * HELLO v2 frame (EncodeHello): version 2, addr_len, address, uint64 BE seconds, hmac_len, then
   * HMAC-SHA256 over the bytes before hmac_len; signed iff {@code secret} is non-empty.
   */
  public static byte[] hello(String address, long unixSeconds, byte[] secret) {
    byte[] addr = address.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream covered = new ByteArrayOutputStream();
    covered.write(2);
    covered.write(addr.length);
    covered.writeBytes(addr);
    for (int shift = 56; shift >= 0; shift -= 8) {
      covered.write((int) (unixSeconds >>> shift));
    }
    byte[] signed = covered.toByteArray();
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.writeBytes(signed);
    if (secret.length == 0) {
      payload.write(0);
    } else {
      byte[] tag = hmacSha256(secret, signed);
      payload.write(tag.length);
      payload.writeBytes(tag);
    }
    return frame(HELLO, payload.toByteArray());
  }

  /**
   * PROOF frame for a CHALLENGE nonce, built from the layout in docs/relay.md: HMAC-SHA256 under
   * the cluster secret over "meshplane-fabric-proof-v1", the prover's role byte, then prover and
   * verifier address each with a uint16 BE length, then the nonce.
   */
  public static byte[] proof(byte[] secret, int role, String prover, String verifier, byte[] nonce) {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    message.writeBytes("meshplane-fabric-proof-v1".getBytes(StandardCharsets.US_ASCII));
    message.write(role);
    for (String address : new String[] {prover, verifier}) {
      byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
      message.write(bytes.length >>> 8);
      message.write(bytes.length);
      message.writeBytes(bytes);
    }
    message.writeBytes(nonce);
    return frame(PROOF, hmacSha256(secret, message.toByteArray()));
  }

  /** The payload of the next frame of {@code type}, skipping any other frame (PING probe, PONG). */
  public static byte[] readPayloadOf(Socket socket, int type) throws IOException {
    while (true) {
      byte[] frame = readAnyFrame(socket);
      if ((frame[0] & 0xFF) == type) {
        return java.util.Arrays.copyOfRange(frame, 3, frame.length);
      }
    }
  }

  /** Reads one whole frame, header included. */
  public static byte[] readAnyFrame(InputStream in) throws IOException {
    byte[] header = in.readNBytes(3);
    assertEquals(3, header.length, "stream ended before a frame header");
    int length = ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
    byte[] payload = in.readNBytes(length);
    assertEquals(length, payload.length, "stream ended inside a frame");
    return concat(header, payload);
  }

  public static byte[] readAnyFrame(Socket socket) throws IOException {
    return readAnyFrame(socket.getInputStream());
  }

  /**
   * The next frame other than PING. A node probes every new stream with one PING to learn whether
   * the remote is a meshplane node; an openzro pod ignores it, and so does this one.
   */
  public static byte[] readFrame(InputStream in) throws IOException {
    while (true) {
      byte[] frame = readAnyFrame(in);
      if (frame[0] != PING) {
        return frame;
      }
    }
  }

  public static byte[] readFrame(Socket socket) throws IOException {
    return readFrame(socket.getInputStream());
  }

  /** The first frame, which must be a HELLO v2; returns its payload. */
  public static byte[] readHelloPayload(Socket socket) throws IOException {
    byte[] frame = readAnyFrame(socket);
    assertEquals(HELLO, frame[0], "first frame is HELLO");
    assertEquals(2, frame[3], "HELLO version");
    return java.util.Arrays.copyOfRange(frame, 3, frame.length);
  }

  public static void write(Socket socket, byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** The node closed the connection and sent nothing: EOF, or a reset because our bytes were unread. */
  public static void assertClosedWithoutReply(Socket socket) throws IOException {
    try {
      assertEquals(-1, socket.getInputStream().read(), "expected a close without any reply");
    } catch (SocketException reset) {
      // Closed by reset: also no reply.
    }
  }

  /** A Transport message (01 03, source slot, payload) as a node delivers it to a peer. */
  public static byte[] transport(byte[] sourceId, String payload) {
    return concat(new byte[] {0x01, 0x03}, concat(sourceId, payload.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A pod's listening socket on 127.0.0.1, port 0, for a node to dial. */
  public static ServerSocket listen() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
  }

  /** Where a node dials {@code pod}, as a member address. */
  public static String address(ServerSocket pod) {
    return "127.0.0.1:" + pod.getLocalPort();
  }

  /** The next stream a node opens to {@code pod}; waiting for it, and each read on it, fail after {@code wait}. */
  public static Socket accept(ServerSocket pod, Duration wait) throws IOException {
    pod.setSoTimeout((int) wait.toMillis());
    Socket socket = pod.accept();
    socket.setSoTimeout((int) wait.toMillis());
    return socket;
  }

  /** Reads until the node closes the stream; fails if it stays open past the socket's read timeout. */
  public static void assertClosedByNode(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // whatever the node sent before closing (probe, PONG, CHALLENGE): skipped
      }
    } catch (SocketTimeoutException e) {
      fail("the node kept the stream open");
    } catch (SocketException reset) {
      // Closed by reset: closed too.
    }
  }

  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] hmacSha256(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
