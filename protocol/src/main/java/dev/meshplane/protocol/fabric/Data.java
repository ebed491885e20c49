package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * DATA (0x12): uint32 channel id then opaque bytes; at least 4 bytes (relay-fabric.md §3). Never
 * sent by openzro, which carries all data in {@link Fwd}.
 *
 * @param channelId 0 to 2^32-1
 * @param bytes     opaque channel data
 */
public record Data(long channelId, byte[] bytes) implements FabricMessage {

  static final int MIN_PAYLOAD_LENGTH = 4;

  public Data {
    Wire.uint32(channelId, "channelId");
    bytes = bytes.clone();
  }

  /** @throws FabricProtocolException {@code PAYLOAD_TOO_LARGE} if the data does not fit one frame */
  public FabricFrame encode() {
    if (bytes.length > FabricFrameCodec.MAX_PAYLOAD_LENGTH - MIN_PAYLOAD_LENGTH) {
      throw new FabricProtocolException(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE,
          "DATA is " + bytes.length + " bytes, max "
              + (FabricFrameCodec.MAX_PAYLOAD_LENGTH - MIN_PAYLOAD_LENGTH));
    }
    byte[] payload = new byte[MIN_PAYLOAD_LENGTH + bytes.length];
    Wire.putUint32(payload, 0, channelId);
    System.arraycopy(bytes, 0, payload, MIN_PAYLOAD_LENGTH, bytes.length);
    return FabricFrame.of(FabricMessageType.DATA, payload);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (&lt; 4) */
  public static Data decode(FabricFrame frame) {
    byte[] payload = Wire.minPayload(frame, FabricMessageType.DATA, MIN_PAYLOAD_LENGTH);
    return new Data(Wire.getUint32(payload, 0), Arrays.copyOfRange(payload, MIN_PAYLOAD_LENGTH, payload.length));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Data other && channelId == other.channelId && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(channelId) + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Data[channel=" + channelId + ", " + bytes.length + " bytes]";
  }
}
