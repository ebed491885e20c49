package dev.meshplane.protocol.fabric;

/**
 * PING (0x20): empty payload. Liveness probe between meshplane nodes. openzro defines the type
 * but never sends or answers it, so a node must not expect a PONG from a Go pod. Received, it is
 * recognised by {@link FabricMessage#decodeAfterHello}.
 */
public enum Ping implements FabricMessage {
  INSTANCE;

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.PING, new byte[0]);
  }
}
