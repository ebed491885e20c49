package dev.meshplane.protocol.fabric;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One fabric frame: a type byte and a payload of at most 65535 bytes.
 *
 * <p>The type is kept as the raw code rather than a {@link FabricMessageType} so that a frame of a
 * type this build does not know survives decoding and can be skipped.
 *
 * <p>The payload array is copied on the way in and out so a frame is a value; the codecs of this
 * package read it in place.
 *
 * @param typeCode unsigned type byte, 0-255
 * @param payload  0 to {@value FabricProtocolLimits#MAX_PAYLOAD_SIZE} bytes
 */
public record FabricFrame(int typeCode, byte[] payload) {

  /**
   * @throws IllegalArgumentException if {@code typeCode} is not a byte value
   * @throws FabricProtocolException  with {@link FabricProtocolException.Reason#PAYLOAD_TOO_LARGE}
   *                                  if the payload cannot be described by the uint16 length
   */
  public FabricFrame {
    if (typeCode < 0 || typeCode > 0xFF) {
      throw new IllegalArgumentException("type code must be 0-255, got " + typeCode);
    }
    Objects.requireNonNull(payload, "payload");
    if (payload.length > FabricProtocolLimits.MAX_PAYLOAD_SIZE) {
      throw new FabricProtocolException(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE,
          "payload is " + payload.length + " bytes, max " + FabricProtocolLimits.MAX_PAYLOAD_SIZE);
    }
    payload = payload.clone();
  }

  public static FabricFrame of(FabricMessageType type, byte[] payload) {
    return new FabricFrame(type.code(), payload);
  }

  /** The known type, or empty for a code this build does not know (skip the frame). */
  public Optional<FabricMessageType> type() {
    return FabricMessageType.fromCode(typeCode);
  }

  public boolean is(FabricMessageType type) {
    return typeCode == type.code();
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  public int payloadLength() {
    return payload.length;
  }

  /** The payload without copying, for codecs in this package that only read it. */
  byte[] payloadArray() {
    return payload;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FabricFrame other
        && typeCode == other.typeCode
        && Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return 31 * typeCode + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "FabricFrame[" + FabricMessageType.describe(typeCode) + ", " + payload.length + " bytes]";
  }
}
