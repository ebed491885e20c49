package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.concat;
import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One whole frame to bytes and back. Cutting a stream into frames, in whatever pieces it arrives,
 * is the relay's framing stage; its tests feed it real sockets.
 */
class FabricFrameCodecTest {

  // ---- encode ----

  @Test
  void encodeWritesTypeThenBigEndianLengthThenPayload() {
    byte[] payload = new byte[0x0123];
    Arrays.fill(payload, (byte) 0xAB);
    byte[] bytes = FabricFrameCodec.encode(new FabricFrame(0x14, payload));

    assertEquals(3 + 0x0123, bytes.length);
    assertEquals("140123", hex(Arrays.copyOf(bytes, 3)));
    assertArrayEquals(payload, Arrays.copyOfRange(bytes, 3, bytes.length));
  }

  @Test
  void emptyPayloadIsJustTheHeader() {
    assertEquals("200000", hex(FabricFrameCodec.encode(Ping.INSTANCE.encode())));
  }

  @Test
  void maximumPayloadIsAccepted() {
    byte[] bytes = FabricFrameCodec.encode(new FabricFrame(0x12, new byte[65535]));
    assertEquals(FabricProtocolLimits.MAX_FRAME_SIZE, bytes.length);
    assertEquals("12ffff", hex(Arrays.copyOf(bytes, 3)));
  }

  @Test
  void oversizePayloadIsRefusedOnEncode() {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> new FabricFrame(0x12, new byte[65536]));
    assertEquals(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE, e.reason());
  }

  @ParameterizedTest(name = "type code {0}")
  @ValueSource(ints = {-1, 256})
  void typeCodeMustBeAByte(int code) {
    assertThrows(IllegalArgumentException.class, () -> new FabricFrame(code, new byte[0]));
  }

  // ---- decode ----

  /** Every golden frame decodes and re-encodes byte for byte. */
  static Stream<Arguments> goldenFrames() {
    return Stream.of(
        Arguments.of("signed HELLO", FabricVectors.HELLO_SIGNED_FRAME, 0x00, 56),
        Arguments.of("unsigned HELLO", FabricVectors.HELLO_UNSIGNED_FRAME, 0x00, 24),
        Arguments.of("WHO_HAS", FabricVectors.WHO_HAS_A_FRAME, 0x01, 36),
        Arguments.of("I_HAVE", FabricVectors.I_HAVE_A_42_FRAME, 0x02, 40),
        Arguments.of("FWD of 'hello'", FabricVectors.FWD_HELLO_FRAME, 0x14, 41),
        Arguments.of("FWD of a transport message", FabricVectors.FWD_TRANSPORT_FRAME, 0x14, 79));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenFrames")
  void goldenFrameDecodesAndReencodes(String name, byte[] wire, int typeCode, int payloadLength) {
    FabricFrame frame = FabricFrameCodec.decode(wire);

    assertEquals(typeCode, frame.typeCode());
    assertEquals(payloadLength, frame.payloadLength());
    assertArrayEquals(wire, FabricFrameCodec.encode(frame));
  }

  @Test
  void unknownTypeDecodesWithItsRawCodeAndReencodesIdentically() {
    byte[] wire = hex("7f0003010203");
    FabricFrame frame = FabricFrameCodec.decode(wire);

    assertEquals(0x7F, frame.typeCode());
    assertEquals(Optional.empty(), frame.type());
    assertArrayEquals(wire, FabricFrameCodec.encode(frame));
    assertTrue(frame.toString().contains("0x7f"));
  }

  /** A buffer cut short → the reason that says where the frame was cut. */
  static Stream<Arguments> truncations() {
    byte[] frame = FabricVectors.I_HAVE_A_42_FRAME;
    return Stream.of(
        Arguments.of(0, FabricProtocolException.Reason.TRUNCATED_HEADER),
        Arguments.of(1, FabricProtocolException.Reason.TRUNCATED_HEADER),
        Arguments.of(2, FabricProtocolException.Reason.TRUNCATED_HEADER),
        Arguments.of(3, FabricProtocolException.Reason.TRUNCATED_PAYLOAD),
        Arguments.of(frame.length - 1, FabricProtocolException.Reason.TRUNCATED_PAYLOAD));
  }

  @ParameterizedTest(name = "{0} bytes → {1}")
  @MethodSource("truncations")
  void truncatedFrameIsRefused(int available, FabricProtocolException.Reason reason) {
    byte[] cut = Arrays.copyOf(FabricVectors.I_HAVE_A_42_FRAME, available);

    FabricProtocolException e = assertThrows(FabricProtocolException.class, () -> FabricFrameCodec.decode(cut));
    assertEquals(reason, e.reason());
  }

  @Test
  void decodeRejectsTrailingBytes() {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> FabricFrameCodec.decode(concat(FabricVectors.WHO_HAS_A_FRAME, new byte[] {0})));
    assertEquals(FabricProtocolException.Reason.TRAILING_BYTES, e.reason());
  }
}
