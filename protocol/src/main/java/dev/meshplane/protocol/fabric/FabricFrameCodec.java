package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * Frame layer of the fabric, as openzro {@code relay/server/cluster/frame.go} writes and reads it.
 * Every inter-node message is one frame on a long-lived TCP stream:
 *
 * <pre>
 *   0        1        2        3                                3+L
 *  +--------+--------+--------+-------------------- ... -------+
 *  |  type  |  length L (u16, |  payload, L bytes (0..65535)    |
 *  | (u8)   |  big-endian)    |                                 |
 *  +--------+--------+--------+-------------------- ... -------+
 * </pre>
 *
 * There is no checksum, sequence number or version byte; HELLO carries its own version.
 *
 * <p>Cutting a byte stream into frames is the relay's job (a length-field framing stage that
 * emits whole frames, header included); this class turns one whole frame into a {@link
 * FabricFrame} and back.
 */
public final class FabricFrameCodec {

  /** Type byte plus uint16 length. */
  public static final int HEADER_LENGTH = 3;

  /** Largest payload the uint16 length can describe; writers refuse anything longer. */
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
   * Decodes a buffer that must hold exactly one frame, header included, as emitted by a
   * length-field framing stage. Never fails on the type byte: an unknown code is kept raw so the
   * receiver can skip the frame.
   *
   * @throws FabricProtocolException {@code TRUNCATED_HEADER}, {@code TRUNCATED_PAYLOAD} or
   *     {@code TRAILING_BYTES}
   */
  public static FabricFrame decodeExact(byte[] frameBytes) {
    if (frameBytes.length < HEADER_LENGTH) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_HEADER,
          "stream ended after " + frameBytes.length + " of " + HEADER_LENGTH + " header bytes");
    }
    int length = ((frameBytes[1] & 0xFF) << 8) | (frameBytes[2] & 0xFF);
    int payloadBytes = frameBytes.length - HEADER_LENGTH;
    if (payloadBytes < length) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_PAYLOAD,
          "stream ended after " + payloadBytes + " of " + length + " payload bytes");
    }
    if (payloadBytes > length) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRAILING_BYTES,
          (payloadBytes - length) + " bytes after a " + length + "-byte payload");
    }
    return new FabricFrame(frameBytes[0] & 0xFF, Arrays.copyOfRange(frameBytes, HEADER_LENGTH, frameBytes.length));
  }
}
