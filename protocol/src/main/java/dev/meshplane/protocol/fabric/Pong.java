package dev.meshplane.protocol.fabric;

/**
 * PONG (0x21): empty payload. Answer to {@link Ping} (relay-fabric.md §3).
 */
public enum Pong implements FabricMessage {
  INSTANCE;

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.PONG, new byte[0]);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (payload not empty) */
  public static Pong decode(FabricFrame frame) {
    Wire.exactPayload(frame, FabricMessageType.PONG, 0);
    return INSTANCE;
  }
}
