package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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
    assertEquals(FabricFrameCodec.MAX_FRAME_LENGTH, bytes.length);
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

  // ---- decode(ByteBuffer) ----

  /** Every golden frame of test-vectors.md §B and §C decodes and re-encodes byte for byte. */
  static Stream<Arguments> goldenFrames() {
    return Stream.of(
        Arguments.of("B.1 signed HELLO", FabricVectors.HELLO_SIGNED_FRAME, 0x00, 56),
        Arguments.of("B.2 unsigned HELLO", FabricVectors.HELLO_UNSIGNED_FRAME, 0x00, 24),
        Arguments.of("C WHO_HAS", FabricVectors.WHO_HAS_A_FRAME, 0x01, 36),
        Arguments.of("C I_HAVE", FabricVectors.I_HAVE_A_42_FRAME, 0x02, 40),
        Arguments.of("C.1 FWD", FabricVectors.FWD_HELLO_FRAME, 0x14, 41),
        Arguments.of("C.2 FWD", FabricVectors.FWD_TRANSPORT_FRAME, 0x14, 79));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenFrames")
  void goldenFrameDecodesAndReencodes(String name, byte[] wire, int typeCode, int payloadLength) {
    ByteBuffer in = ByteBuffer.wrap(wire);
    FabricFrame frame = FabricFrameCodec.decode(in).orElseThrow();

    assertEquals(typeCode, frame.typeCode());
    assertEquals(payloadLength, frame.payloadLength());
    assertEquals(0, in.remaining());
    assertArrayEquals(wire, FabricFrameCodec.encode(frame));
    assertEquals(frame, FabricFrameCodec.decodeExact(wire));
  }

  @ParameterizedTest(name = "{0} bytes of header")
  @ValueSource(ints = {0, 1, 2})
  void shortHeaderWaitsAndLeavesBufferUntouched(int available) {
    ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(FabricVectors.WHO_HAS_A_FRAME, available));

    assertEquals(Optional.empty(), FabricFrameCodec.decode(in));
    assertEquals(0, in.position());
    assertEquals(available, in.remaining());
  }

  @ParameterizedTest(name = "{0} of 36 payload bytes")
  @ValueSource(ints = {0, 1, 35})
  void shortPayloadWaitsAndLeavesBufferUntouched(int payloadBytes) {
    ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(FabricVectors.WHO_HAS_A_FRAME, 3 + payloadBytes));

    assertEquals(Optional.empty(), FabricFrameCodec.decode(in));
    assertEquals(0, in.position());
  }

  @Test
  void decodeRespectsBufferPosition() {
    byte[] wire = concat(new byte[] {9, 9}, FabricVectors.WHO_HAS_A_FRAME);
    ByteBuffer in = ByteBuffer.wrap(wire);
    in.position(2);

    FabricFrame frame = FabricFrameCodec.decode(in).orElseThrow();
    assertEquals(WhoHas.decode(frame), new WhoHas(FabricVectors.PID_A));
    assertEquals(wire.length, in.position());
  }

  @Test
  void byteAtATimeDeliveryYieldsEachFrameExactlyOnce() {
    byte[] wire = concat(FabricVectors.HELLO_SIGNED_FRAME, FabricVectors.WHO_HAS_A_FRAME,
        FabricFrameCodec.encode(Pong.INSTANCE.encode()), FabricVectors.I_HAVE_A_42_FRAME,
        FabricVectors.FWD_TRANSPORT_FRAME);
    ByteBuffer buffer = ByteBuffer.allocate(wire.length);
    buffer.flip();
    List<FabricFrame> frames = new ArrayList<>();

    for (byte b : wire) {
      // Append one byte the way a socket reader would: compact, put, flip.
      buffer.compact().put(b).flip();
      FabricFrameCodec.decode(buffer).ifPresent(frames::add);
    }

    assertEquals(5, frames.size());
    assertEquals(List.of(0x00, 0x01, 0x21, 0x02, 0x14), frames.stream().map(FabricFrame::typeCode).toList());
    assertArrayEquals(wire, concat(frames.stream().map(FabricFrameCodec::encode).toArray(byte[][]::new)));
    FabricFrameCodec.checkEndOfStream(buffer);
  }

  @Test
  void twoFramesInOneBufferComeOutInOrder() {
    ByteBuffer in = ByteBuffer.wrap(concat(FabricVectors.WHO_HAS_A_FRAME, FabricVectors.I_HAVE_A_42_FRAME));

    assertEquals(FabricMessageType.WHO_HAS, FabricFrameCodec.decode(in).orElseThrow().type().orElseThrow());
    assertEquals(FabricMessageType.I_HAVE, FabricFrameCodec.decode(in).orElseThrow().type().orElseThrow());
    assertEquals(Optional.empty(), FabricFrameCodec.decode(in));
    FabricFrameCodec.checkEndOfStream(in);
  }

  @Test
  void unknownTypeDecodesWithItsRawCodeAndReencodesIdentically() {
    byte[] wire = hex("7f0003010203");
    FabricFrame frame = FabricFrameCodec.decode(ByteBuffer.wrap(wire)).orElseThrow();

    assertEquals(0x7F, frame.typeCode());
    assertEquals(Optional.empty(), frame.type());
    assertArrayEquals(wire, FabricFrameCodec.encode(frame));
    assertTrue(frame.toString().contains("0x7f"));
  }

  // ---- end of stream ----

  @Test
  void cleanEndOfStreamIsNotAnError() {
    FabricFrameCodec.checkEndOfStream(ByteBuffer.allocate(0));
  }

  /** Leftover bytes at EOF → the reason that says where the frame was cut. */
  static Stream<Arguments> truncations() {
    byte[] frame = FabricVectors.I_HAVE_A_42_FRAME;
    return Stream.of(
        Arguments.of(1, FabricProtocolException.Reason.TRUNCATED_HEADER),
        Arguments.of(2, FabricProtocolException.Reason.TRUNCATED_HEADER),
        Arguments.of(3, FabricProtocolException.Reason.TRUNCATED_PAYLOAD),
        Arguments.of(frame.length - 1, FabricProtocolException.Reason.TRUNCATED_PAYLOAD));
  }

  @ParameterizedTest(name = "EOF after {0} bytes → {1}")
  @MethodSource("truncations")
  void truncatedFrameAtEndOfStream(int available, FabricProtocolException.Reason reason) {
    byte[] cut = Arrays.copyOf(FabricVectors.I_HAVE_A_42_FRAME, available);

    FabricProtocolException fromBuffer = assertThrows(FabricProtocolException.class,
        () -> FabricFrameCodec.checkEndOfStream(ByteBuffer.wrap(cut)));
    FabricProtocolException fromExact = assertThrows(FabricProtocolException.class,
        () -> FabricFrameCodec.decodeExact(cut));
    FabricProtocolException fromStream = assertThrows(FabricProtocolException.class,
        () -> FabricFrameCodec.read(new ByteArrayInputStream(cut)));

    assertEquals(reason, fromBuffer.reason());
    assertEquals(reason, fromExact.reason());
    assertEquals(reason, fromStream.reason());
  }

  @Test
  void decodeExactRejectsAnEmptyBuffer() {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> FabricFrameCodec.decodeExact(new byte[0]));
    assertEquals(FabricProtocolException.Reason.TRUNCATED_HEADER, e.reason());
  }

  @Test
  void decodeExactRejectsTrailingBytes() {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> FabricFrameCodec.decodeExact(concat(FabricVectors.WHO_HAS_A_FRAME, new byte[] {0})));
    assertEquals(FabricProtocolException.Reason.TRAILING_BYTES, e.reason());
  }

  // ---- read(InputStream) ----

  @Test
  void readReturnsFramesThenEmptyOnCleanEof() throws IOException {
    InputStream in = new ByteArrayInputStream(concat(FabricVectors.WHO_HAS_A_FRAME, FabricVectors.FWD_HELLO_FRAME));

    assertEquals(FabricMessageType.WHO_HAS, FabricFrameCodec.read(in).orElseThrow().type().orElseThrow());
    assertEquals(FabricMessageType.FWD, FabricFrameCodec.read(in).orElseThrow().type().orElseThrow());
    assertEquals(Optional.empty(), FabricFrameCodec.read(in));
  }

  @Test
  void readCopesWithOneByteReads() throws IOException {
    InputStream trickle = new ByteArrayInputStream(FabricVectors.I_HAVE_A_42_FRAME) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1));
      }
    };

    FabricFrame frame = FabricFrameCodec.read(trickle).orElseThrow();
    assertEquals(new IHave(FabricVectors.PID_A, 42), IHave.decode(frame));
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }
}
