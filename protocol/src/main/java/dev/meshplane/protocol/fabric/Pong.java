package dev.meshplane.protocol.fabric;

/**
 * PONG (0x21): empty payload. Answer to {@link Ping}. Received, it is recognised by {@link
 * FabricMessage#decodeAfterHello}.
 */
public enum Pong implements FabricMessage {
  INSTANCE;

  public FabricFrame encode() {
    return FabricFrame.of(FabricMessageType.PONG, new byte[0]);
  }
}
