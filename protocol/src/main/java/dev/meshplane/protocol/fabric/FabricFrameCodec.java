package dev.meshplane.protocol.fabric;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Frame layer of the fabric (relay-fabric.md §2). Every inter-pod message is one frame on a
 * long-lived TCP stream:
 *
 * <pre>
 *   0        1        2        3                                3+L
 *  +--------+--------+--------+-------------------- ... -------+
 *  |  type  |  length L (u16, |  payload, L bytes (0..65535)    |
 *  | (u8)   |  big-endian)    |                                 |
 *  +--------+--------+--------+-------------------- ... -------+
 * </pre>
 *
 * There is no checksum, sequence number or version byte; HELLO carries its own version (§4).
 *
 * <p>Decoding is incremental: {@link #decode(ByteBuffer)} takes whatever bytes have arrived and
 * returns a frame only once all of it is there, so delivery in arbitrary slices (down to one byte
 * at a time) works. At end of stream {@link #checkEndOfStream(ByteBuffer)} tells a clean close from
 * a truncated frame; the reference reader treats both as "stream closed", but the distinction
 * matters for logs and for the HELLO reject label.
 */
public final class FabricFrameCodec {

  /** Type byte plus uint16 length (§2). */
  public static final int HEADER_LENGTH = 3;

  /** Largest payload the uint16 length can describe; writers refuse anything longer (§2, §9). */
  public static final int MAX_PAYLOAD_LENGTH = 0xFFFF;

  /** Largest encoded frame, useful to size a length-field framing stage. */
  public static final int MAX_FRAME_LENGTH = HEADER_LENGTH + MAX_PAYLOAD_LENGTH;

  private FabricFrameCodec() {}

  /** Header then payload, in one array so a writer can emit the frame with a single write. */
  public static byte[] encode(FabricFrame frame) {
    byte[] payload = frame.payloadArray();
    byte[] out = new byte[HEADER_LENGTH + payload.length];
    out[0] = (byte) frame.typeCode();
    out[1] = (byte) (payload.length >>> 8);
    out[2] = (byte) payload.length;
    System.arraycopy(payload, 0, out, HEADER_LENGTH, payload.length);
    return out;
  }

  /**
   * Takes one frame from the front of {@code in} if a whole one is there.
   *
   * <p>On success the buffer's position moves past the frame. Otherwise the buffer is left
   * exactly as it was (position and contents), so the caller can append more bytes and call
   * again. Never throws: every 3-byte header is valid, because the type byte may be unknown and
   * the length cannot exceed the maximum.
   */
  public static Optional<FabricFrame> decode(ByteBuffer in) {
    int start = in.position();
    if (in.remaining() < HEADER_LENGTH) {
      return Optional.empty();
    }
    int length = ((in.get(start + 1) & 0xFF) << 8) | (in.get(start + 2) & 0xFF);
    if (in.remaining() < HEADER_LENGTH + length) {
      return Optional.empty();
    }
    int typeCode = in.get(start) & 0xFF;
    byte[] payload = new byte[length];
    in.position(start + HEADER_LENGTH);
    in.get(payload);
    return Optional.of(new FabricFrame(typeCode, payload));
  }

  /**
   * Call when the stream has ended, with the bytes that {@link #decode(ByteBuffer)} left over.
   * Returns normally for a clean end of stream (nothing left over).
   *
   * @throws FabricProtocolException {@code TRUNCATED_HEADER} or {@code TRUNCATED_PAYLOAD}
   */
  public static void checkEndOfStream(ByteBuffer leftover) {
    if (leftover.hasRemaining()) {
      throw truncated(leftover);
    }
  }

  /**
   * Decodes a buffer that must hold exactly one frame, header included, as emitted by a
   * length-field framing stage.
   *
   * @throws FabricProtocolException {@code TRUNCATED_HEADER}, {@code TRUNCATED_PAYLOAD} or
   *                                 {@code TRAILING_BYTES}
   */
  public static FabricFrame decodeExact(byte[] frameBytes) {
    ByteBuffer in = ByteBuffer.wrap(frameBytes);
    Optional<FabricFrame> frame = decode(in);
    if (frame.isEmpty()) {
      throw truncated(in);
    }
    if (in.hasRemaining()) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRAILING_BYTES,
          in.remaining() + " bytes after a " + frame.get().payloadLength() + "-byte payload");
    }
    return frame.get();
  }

  /**
   * Blocking read of one frame: exactly 3 header bytes, then exactly L payload bytes (§2).
   *
   * @return the frame, or empty when the stream ended cleanly before the first header byte
   * @throws FabricProtocolException {@code TRUNCATED_HEADER} or {@code TRUNCATED_PAYLOAD} when the
   *                                 stream ended inside a frame
   * @throws IOException             whatever the stream throws
   */
  public static Optional<FabricFrame> read(InputStream in) throws IOException {
    byte[] header = in.readNBytes(HEADER_LENGTH);
    if (header.length == 0) {
      return Optional.empty();
    }
    if (header.length < HEADER_LENGTH) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_HEADER,
          "stream ended after " + header.length + " of " + HEADER_LENGTH + " header bytes");
    }
    int length = ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_PAYLOAD,
          "stream ended after " + payload.length + " of " + length + " payload bytes");
    }
    return Optional.of(new FabricFrame(header[0] & 0xFF, payload));
  }

  /** Describes an incomplete frame at the front of {@code in}; an empty buffer is a cut header. */
  private static FabricProtocolException truncated(ByteBuffer in) {
    int remaining = in.remaining();
    if (remaining < HEADER_LENGTH) {
      return new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_HEADER,
          "stream ended after " + remaining + " of " + HEADER_LENGTH + " header bytes");
    }
    int start = in.position();
    int length = ((in.get(start + 1) & 0xFF) << 8) | (in.get(start + 2) & 0xFF);
    return new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_PAYLOAD,
        "stream ended after " + (remaining - HEADER_LENGTH) + " of " + length + " payload bytes");
  }
}
