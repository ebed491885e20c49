package dev.meshplane.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Just enough raw HTTP/2 (RFC 9113) to act as clients that grpc-java cannot imitate. */
final class Http2Frames {

  /** Frame types (RFC 9113, section 6). */
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private Http2Frames() {}

  /** One HTTP/2 frame as read off the socket. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    boolean isPingAck() {
      return type == PING && (flags & 0x1) != 0;
    }
  }

  /** The client connection preface followed by an empty SETTINGS frame. */
  static void startConnection(OutputStream out) throws IOException {
    out.write(PREFACE);
    writeFrame(out, SETTINGS, 0, new byte[0]);
  }

  static Frame readFrame(DataInputStream in) throws IOException {
    int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt();
    return new Frame(type, flags, stream, in.readNBytes(length));
  }

  static Frame readUnchecked(DataInputStream in) {
    try {
      return readFrame(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** HPACK "literal header field without indexing", no Huffman: enough for short ASCII headers. */
  static byte[] hpackLiterals(String... namesAndValues) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
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

  static void writeFrame(OutputStream out, int type, int flags, byte[] payload) throws IOException {
    writeFrame(out, type, flags, 0, payload);
  }

  static void writeFrame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(new byte[] {
      (byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
      (byte) type, (byte) flags,
      (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream
    });
    out.write(payload);
  }
}
