package dev.meshplane.protocol.fabric;

/**
 * Frame-level constants of the fabric, as openzro {@code relay/server/cluster/frame.go} defines
 * them (frameHeaderSize, maxPayloadSize). Limits of a single message type live with its codec.
 */
public final class FabricProtocolLimits {

  /** Type byte plus uint16 length. */
  public static final int HEADER_SIZE = 3;

  /** Largest payload the uint16 length can describe; writers refuse anything longer. */
  public static final int MAX_PAYLOAD_SIZE = 0xFFFF;

  /** Largest encoded frame, the bound of a length-field framing stage. */
  public static final int MAX_FRAME_SIZE = HEADER_SIZE + MAX_PAYLOAD_SIZE;

  private FabricProtocolLimits() {}
}
