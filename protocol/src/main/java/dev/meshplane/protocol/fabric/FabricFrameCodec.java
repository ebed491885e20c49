package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricProtocolLimits.HEADER_SIZE;

import java.util.Arrays;

/**
 * Frame layer of the fabric, as openzro {@code relay/server/cluster/frame.go} writes and reads it
 * (WriteFrame, ReadFrame). Every inter-node message is one frame on a long-lived TCP stream:
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
 * FabricFrame} and back. Pure functions, safe from any thread.
 */
public final class FabricFrameCodec {

  private FabricFrameCodec() {}

  /** Header then payload, in one array so a writer can emit the frame with a single write. */
  public static byte[] encode(FabricFrame frame) {
    byte[] payload = frame.payloadArray();
    byte[] out = new byte[HEADER_SIZE + payload.length];
    out[0] = (byte) frame.typeCode();
    out[1] = (byte) (payload.length >>> 8);
    out[2] = (byte) payload.length;
    System.arraycopy(payload, 0, out, HEADER_SIZE, payload.length);
    return out;
  }

  /**
   * Decodes a buffer that must hold exactly one frame, header included, as a length-field framing
   * stage emits it. Never fails on the type byte: an unknown code is kept raw so the receiver can
   * skip the frame.
   *
   * @throws FabricProtocolException {@code TRUNCATED_HEADER}, {@code TRUNCATED_PAYLOAD} or
   *     {@code TRAILING_BYTES}
   */
  public static FabricFrame decode(byte[] frame) {
    if (frame.length < HEADER_SIZE) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_HEADER,
          "stream ended after " + frame.length + " of " + HEADER_SIZE + " header bytes");
    }
    int length = ((frame[1] & 0xFF) << 8) | (frame[2] & 0xFF);
    int payloadBytes = frame.length - HEADER_SIZE;
    if (payloadBytes < length) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRUNCATED_PAYLOAD,
          "stream ended after " + payloadBytes + " of " + length + " payload bytes");
    }
    if (payloadBytes > length) {
      throw new FabricProtocolException(FabricProtocolException.Reason.TRAILING_BYTES,
          (payloadBytes - length) + " bytes after a " + length + "-byte payload");
    }
    return new FabricFrame(frame[0] & 0xFF, Arrays.copyOfRange(frame, HEADER_SIZE, frame.length));
  }
}
