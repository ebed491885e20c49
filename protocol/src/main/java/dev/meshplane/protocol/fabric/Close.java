package dev.meshplane.protocol.fabric;

/**
 * CLOSE (0x13): uint32 channel id; exactly 4 bytes (relay-fabric.md §3). Never sent by openzro.
 *
 * @param channelId 0 to 2^32-1
 */
public record Close(long channelId) implements FabricMessage {

  static final int PAYLOAD_LENGTH = 4;

  public Close {
    Wire.uint32(channelId, "channelId");
  }

  public FabricFrame encode() {
    byte[] payload = new byte[PAYLOAD_LENGTH];
    Wire.putUint32(payload, 0, channelId);
    return FabricFrame.of(FabricMessageType.CLOSE, payload);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 4) */
  public static Close decode(FabricFrame frame) {
    return new Close(Wire.getUint32(Wire.exactPayload(frame, FabricMessageType.CLOSE, PAYLOAD_LENGTH), 0));
  }
}
