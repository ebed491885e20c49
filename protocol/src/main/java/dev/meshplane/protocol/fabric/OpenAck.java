package dev.meshplane.protocol.fabric;

/**
 * OPEN_ACK (0x11): uint32 channel id then a status byte; exactly 5 bytes (relay-fabric.md §3).
 * Never sent by openzro. The status is kept raw because the reference does not restrict it to the
 * two defined values.
 *
 * @param channelId 0 to 2^32-1
 * @param status    0-255; {@link #STATUS_REJECT} or {@link #STATUS_ACCEPT} are defined
 */
public record OpenAck(long channelId, int status) implements FabricMessage {

  public static final int STATUS_REJECT = 0;
  public static final int STATUS_ACCEPT = 1;

  static final int PAYLOAD_LENGTH = 4 + 1;

  public OpenAck {
    Wire.uint32(channelId, "channelId");
    if (status < 0 || status > 0xFF) {
      throw new IllegalArgumentException("status must be 0-255, got " + status);
    }
  }

  public boolean accepted() {
    return status == STATUS_ACCEPT;
  }

  public FabricFrame encode() {
    byte[] payload = new byte[PAYLOAD_LENGTH];
    Wire.putUint32(payload, 0, channelId);
    payload[4] = (byte) status;
    return FabricFrame.of(FabricMessageType.OPEN_ACK, payload);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 5) */
  public static OpenAck decode(FabricFrame frame) {
    byte[] payload = Wire.exactPayload(frame, FabricMessageType.OPEN_ACK, PAYLOAD_LENGTH);
    return new OpenAck(Wire.getUint32(payload, 0), payload[4] & 0xFF);
  }
}
