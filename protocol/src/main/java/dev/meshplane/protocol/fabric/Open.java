package dev.meshplane.protocol.fabric;

import java.util.Arrays;

/**
 * OPEN (0x10): channel request, source ID (36), destination ID (36), uint32 channel id; exactly
 * 76 bytes (relay-fabric.md §3). Part of the channel design that was never wired up: openzro
 * neither sends nor handles it, so meshplane decodes it only for diagnostics and never sends it.
 *
 * @param source      36-byte raw relay peer ID
 * @param destination 36-byte raw relay peer ID
 * @param channelId   0 to 2^32-1
 */
public record Open(byte[] source, byte[] destination, long channelId) implements FabricMessage {

  static final int PAYLOAD_LENGTH = 2 * PEER_ID_LENGTH + 4;

  public Open {
    source = Wire.peerId(source, "source");
    destination = Wire.peerId(destination, "destination");
    Wire.uint32(channelId, "channelId");
  }

  public FabricFrame encode() {
    byte[] payload = new byte[PAYLOAD_LENGTH];
    System.arraycopy(source, 0, payload, 0, PEER_ID_LENGTH);
    System.arraycopy(destination, 0, payload, PEER_ID_LENGTH, PEER_ID_LENGTH);
    Wire.putUint32(payload, 2 * PEER_ID_LENGTH, channelId);
    return FabricFrame.of(FabricMessageType.OPEN, payload);
  }

  /** @throws FabricProtocolException {@code WRONG_FRAME_TYPE} or {@code BAD_PAYLOAD_LENGTH} (≠ 76) */
  public static Open decode(FabricFrame frame) {
    byte[] payload = Wire.exactPayload(frame, FabricMessageType.OPEN, PAYLOAD_LENGTH);
    return new Open(Arrays.copyOf(payload, PEER_ID_LENGTH),
        Arrays.copyOfRange(payload, PEER_ID_LENGTH, 2 * PEER_ID_LENGTH),
        Wire.getUint32(payload, 2 * PEER_ID_LENGTH));
  }

  @Override
  public byte[] source() {
    return source.clone();
  }

  @Override
  public byte[] destination() {
    return destination.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Open other
        && channelId == other.channelId
        && Arrays.equals(source, other.source)
        && Arrays.equals(destination, other.destination);
  }

  @Override
  public int hashCode() {
    return (31 * Arrays.hashCode(source) + Arrays.hashCode(destination)) * 31 + Long.hashCode(channelId);
  }

  @Override
  public String toString() {
    return "Open[" + Wire.hex(source) + " -> " + Wire.hex(destination) + ", channel=" + channelId + "]";
  }
}
