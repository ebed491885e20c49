package dev.meshplane.protocol.fabric;

/**
 * PING (0x20): empty payload. Liveness probe between meshplane nodes. openzro defines the type
 * but never sends or answers it, so a node must not expect a PONG from a Go pod
 * (relay-fabric.md §3, §9).
 */
public enum Ping implements FabricMessage {
  INSTANCE;

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.PING, new byte[0]);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (payload not empty) */
  public static Ping decode(FabricFrame frame) {
    Wire.exactPayload(frame, FabricMessageType.PING, 0);
    return INSTANCE;
  }
}
