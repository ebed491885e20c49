package dev.meshplane.protocol.fabric;

/** Shared byte helpers and payload checks for the message codecs. */
final class Wire {

  static final long MAX_UINT32 = 0xFFFF_FFFFL;

  private Wire() {}

  static long uint32(long value, String name) {
    if (value < 0 || value > MAX_UINT32) {
      throw new IllegalArgumentException(name + " must fit in uint32, got " + value);
    }
    return value;
  }

  static void putUint32(byte[] out, int offset, long value) {
    out[offset] = (byte) (value >>> 24);
    out[offset + 1] = (byte) (value >>> 16);
    out[offset + 2] = (byte) (value >>> 8);
    out[offset + 3] = (byte) value;
  }

  static long getUint32(byte[] in, int offset) {
    return ((in[offset] & 0xFFL) << 24)
        | ((in[offset + 1] & 0xFFL) << 16)
        | ((in[offset + 2] & 0xFFL) << 8)
        | (in[offset + 3] & 0xFFL);
  }

  static void putUint64(byte[] out, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      out[offset + i] = (byte) (value >>> (56 - 8 * i));
    }
  }

  static long getUint64(byte[] in, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (in[offset + i] & 0xFFL);
    }
    return value;
  }

  /** Decode side: a message codec only accepts frames of its own type. */
  static byte[] payloadOf(FabricFrame frame, FabricMessageType expected) {
    if (!frame.is(expected)) {
      throw new FabricProtocolException(FabricProtocolException.Reason.WRONG_FRAME_TYPE,
          "expected " + expected + ", got " + FabricMessageType.describe(frame.typeCode()));
    }
    return frame.payloadArray();
  }

  /** Exact-size check of fixed-shape payloads, as openzro's decoders do (relay/server/cluster/messages.go). */
  static byte[] exactPayload(FabricFrame frame, FabricMessageType expected, int size) {
    byte[] payload = payloadOf(frame, expected);
    if (payload.length != size) {
      throw new FabricProtocolException(FabricProtocolException.Reason.BAD_PAYLOAD_LENGTH,
          expected + " payload is " + payload.length + " bytes, want " + size);
    }
    return payload;
  }

  static byte[] minPayload(FabricFrame frame, FabricMessageType expected, int minSize) {
    byte[] payload = payloadOf(frame, expected);
    if (payload.length < minSize) {
      throw new FabricProtocolException(FabricProtocolException.Reason.BAD_PAYLOAD_LENGTH,
          expected + " payload is " + payload.length + " bytes, want at least " + minSize);
    }
    return payload;
  }
}
