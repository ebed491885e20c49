package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.CLUSTER_SECRET;
import static dev.meshplane.protocol.fabric.FabricVectors.HELLO_ADDRESS;
import static dev.meshplane.protocol.fabric.FabricVectors.HELLO_UNIX;
import static dev.meshplane.protocol.fabric.FabricVectors.NO_SECRET;
import static dev.meshplane.protocol.fabric.FabricVectors.clockAt;
import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static dev.meshplane.protocol.fabric.FabricVectors.helloClock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HelloV2Test {

  private static final HelloV2 VECTOR_HELLO = new HelloV2(HELLO_ADDRESS, HELLO_UNIX);
  private static final byte[] OTHER_SECRET = "another-secret-of-any-length".getBytes(StandardCharsets.UTF_8);

  // ---- golden bytes (FabricVectors) ----

  @Test
  void signedVectorB1Encodes() {
    FabricFrame frame = VECTOR_HELLO.encode(CLUSTER_SECRET);

    assertEquals(hex(FabricVectors.HELLO_SIGNED_PAYLOAD), hex(frame.payload()));
    assertEquals(hex(FabricVectors.HELLO_SIGNED_FRAME), hex(FabricFrameCodec.encode(frame)));
  }

  @Test
  void unsignedVectorB2Encodes() {
    FabricFrame frame = VECTOR_HELLO.encode(NO_SECRET);

    assertEquals(hex(FabricVectors.HELLO_UNSIGNED_PAYLOAD), hex(frame.payload()));
    assertEquals(hex(FabricVectors.HELLO_UNSIGNED_FRAME), hex(FabricFrameCodec.encode(frame)));
  }

  @Test
  void signedVectorB1DecodesWithTheSameSecret() {
    FabricFrame frame = FabricFrameCodec.decode(FabricVectors.HELLO_SIGNED_FRAME);
    assertEquals(VECTOR_HELLO, HelloV2.decode(frame, CLUSTER_SECRET, helloClock()));
  }

  @Test
  void unsignedVectorB2DecodesWithoutSecret() {
    FabricFrame frame = FabricFrameCodec.decode(FabricVectors.HELLO_UNSIGNED_FRAME);
    assertEquals(VECTOR_HELLO, HelloV2.decode(frame, NO_SECRET, helloClock()));
  }

  @Test
  void signedBodyIsWhatTheMacCovers() {
    assertEquals(hex(FabricVectors.HELLO_BODY), hex(Arrays.copyOf(FabricVectors.HELLO_SIGNED_PAYLOAD, 23)));
    assertEquals(hex(FabricVectors.HELLO_HMAC),
        hex(Arrays.copyOfRange(FabricVectors.HELLO_SIGNED_PAYLOAD, 24, 56)));
  }

  // ---- secret combinations: equal secrets or none on either side; anything else is refused ----

  static Stream<Arguments> secretCombinations() {
    return Stream.of(
        Arguments.of("signed, same secret", CLUSTER_SECRET, CLUSTER_SECRET, null),
        Arguments.of("unsigned, no secret", NO_SECRET, NO_SECRET, null),
        Arguments.of("signed, receiver has no secret", CLUSTER_SECRET, NO_SECRET,
            HelloRejectReason.SIGNED_BUT_UNSUPPORTED),
        Arguments.of("unsigned, receiver requires signing", NO_SECRET, CLUSTER_SECRET,
            HelloRejectReason.UNSIGNED_BUT_REQUIRED),
        Arguments.of("signed, wrong secret", OTHER_SECRET, CLUSTER_SECRET, HelloRejectReason.HMAC_MISMATCH));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secretCombinations")
  void secretCombination(String name, byte[] senderSecret, byte[] receiverSecret, HelloRejectReason expected) {
    FabricFrame frame = VECTOR_HELLO.encode(senderSecret);
    if (expected == null) {
      assertEquals(VECTOR_HELLO, HelloV2.decode(frame, receiverSecret, helloClock()));
    } else {
      assertEquals(expected, rejectLabel(frame, receiverSecret, helloClock()));
    }
  }

  // ---- replay window ----

  static Stream<Arguments> receiverClocks() {
    return Stream.of(
        Arguments.of("same second", Instant.ofEpochSecond(HELLO_UNIX), true),
        Arguments.of("exactly 300 s later", Instant.ofEpochSecond(1_700_000_300L), true),
        Arguments.of("exactly 300 s earlier", Instant.ofEpochSecond(1_699_999_700L), true),
        Arguments.of("300 s + 1 ns later", Instant.ofEpochSecond(1_700_000_300L, 1), false),
        Arguments.of("300 s + 1 ns earlier", Instant.ofEpochSecond(1_699_999_699L, 999_999_999), false),
        Arguments.of("301 s later (stale)", Instant.ofEpochSecond(1_700_000_301L), false),
        Arguments.of("301 s earlier (from the future)", Instant.ofEpochSecond(1_699_999_699L), false));
  }

  @ParameterizedTest(name = "receiver clock {0} → accepted={2}")
  @MethodSource("receiverClocks")
  void replayWindowIsPlusMinusFiveMinutesInclusive(String name, Instant now, boolean accepted) {
    FabricFrame frame = FabricFrameCodec.decode(FabricVectors.HELLO_SIGNED_FRAME);
    if (accepted) {
      assertEquals(VECTOR_HELLO, HelloV2.decode(frame, CLUSTER_SECRET, clockAt(now)));
    } else {
      assertEquals(HelloRejectReason.STALE_TIMESTAMP, rejectLabel(frame, CLUSTER_SECRET, clockAt(now)));
    }
  }

  @Test
  void staleForgedHelloCountsAsStaleNotMismatch() {
    // The timestamp is checked before the MAC, as in openzro's DecodeHello.
    FabricFrame forged = new HelloV2(HELLO_ADDRESS, HELLO_UNIX - 3600).encode(OTHER_SECRET);
    assertEquals(HelloRejectReason.STALE_TIMESTAMP, rejectLabel(forged, CLUSTER_SECRET, helloClock()));
  }

  @Test
  void timestampWithTopBitSetIsStaleNotAnError() {
    FabricFrame frame = new HelloV2(HELLO_ADDRESS, -1L).encode(NO_SECRET);
    assertEquals("ffffffffffffffff", hex(Arrays.copyOfRange(frame.payload(), 15, 23)));
    assertEquals(HelloRejectReason.STALE_TIMESTAMP, rejectLabel(frame, NO_SECRET, helloClock()));
  }

  // ---- malformed payloads, one per check, in openzro's order ----

  static Stream<Arguments> malformedPayloads() {
    byte[] addr = HELLO_ADDRESS.getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of("first frame is WHO_HAS", new FabricFrame(0x01, FabricVectors.PID_A_RAW), CLUSTER_SECRET,
            FabricProtocolException.Reason.FIRST_FRAME_NOT_HELLO),
        Arguments.of("first frame has unknown type", new FabricFrame(0x7F, new byte[11]), CLUSTER_SECRET,
            FabricProtocolException.Reason.FIRST_FRAME_NOT_HELLO),
        Arguments.of("empty payload", hello(new byte[0]), CLUSTER_SECRET,
            FabricProtocolException.Reason.HELLO_TOO_SHORT),
        Arguments.of("10-byte payload", hello(Arrays.copyOf(FabricVectors.HELLO_UNSIGNED_PAYLOAD, 10)),
            NO_SECRET, FabricProtocolException.Reason.HELLO_TOO_SHORT),
        Arguments.of("version 1", hello(raw(1, addr, HELLO_UNIX, 0, new byte[0])), NO_SECRET,
            FabricProtocolException.Reason.HELLO_BAD_VERSION),
        Arguments.of("version 3", hello(raw(3, addr, HELLO_UNIX, 0, new byte[0])), NO_SECRET,
            FabricProtocolException.Reason.HELLO_BAD_VERSION),
        Arguments.of("addr_len runs past the payload",
            hello(withByte(FabricVectors.HELLO_UNSIGNED_PAYLOAD, 1, 14)), NO_SECRET,
            FabricProtocolException.Reason.HELLO_TRUNCATED_ADDRESS),
        Arguments.of("payload cut inside the timestamp",
            hello(Arrays.copyOf(FabricVectors.HELLO_UNSIGNED_PAYLOAD, 20)), NO_SECRET,
            FabricProtocolException.Reason.HELLO_TRUNCATED_ADDRESS),
        Arguments.of("MAC cut short, receiver has a secret",
            hello(Arrays.copyOf(FabricVectors.HELLO_SIGNED_PAYLOAD, 55)), CLUSTER_SECRET,
            FabricProtocolException.Reason.HELLO_TRUNCATED_MAC),
        Arguments.of("MAC cut short, receiver has no secret (length before secret checks)",
            hello(Arrays.copyOf(FabricVectors.HELLO_SIGNED_PAYLOAD, 30)), NO_SECRET,
            FabricProtocolException.Reason.HELLO_TRUNCATED_MAC),
        Arguments.of("unsigned but required", hello(FabricVectors.HELLO_UNSIGNED_PAYLOAD), CLUSTER_SECRET,
            FabricProtocolException.Reason.HELLO_UNSIGNED_BUT_REQUIRED),
        Arguments.of("hmac_len 16", hello(raw(2, addr, HELLO_UNIX, 16, new byte[16])), CLUSTER_SECRET,
            FabricProtocolException.Reason.HELLO_BAD_MAC_LENGTH),
        Arguments.of("hmac_len 33", hello(raw(2, addr, HELLO_UNIX, 33, new byte[33])), CLUSTER_SECRET,
            FabricProtocolException.Reason.HELLO_BAD_MAC_LENGTH),
        Arguments.of("last MAC byte flipped",
            hello(flip(FabricVectors.HELLO_SIGNED_PAYLOAD, 55)), CLUSTER_SECRET,
            FabricProtocolException.Reason.HELLO_MAC_MISMATCH),
        Arguments.of("all-zero MAC", hello(raw(2, addr, HELLO_UNIX, 32, new byte[32])), CLUSTER_SECRET,
            FabricProtocolException.Reason.HELLO_MAC_MISMATCH),
        Arguments.of("signed but unsupported", hello(FabricVectors.HELLO_SIGNED_PAYLOAD), NO_SECRET,
            FabricProtocolException.Reason.HELLO_SIGNED_BUT_UNSUPPORTED),
        Arguments.of("odd hmac_len without secret", hello(raw(2, addr, HELLO_UNIX, 16, new byte[16])),
            NO_SECRET, FabricProtocolException.Reason.HELLO_SIGNED_BUT_UNSUPPORTED));
  }

  @ParameterizedTest(name = "{0} → {3}")
  @MethodSource("malformedPayloads")
  void rejectsWithTheCheckReason(String name, FabricFrame frame, byte[] secret, FabricProtocolException.Reason reason) {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> HelloV2.decode(frame, secret, helloClock()));
    assertEquals(reason, e.reason());
    assertEquals(reason.helloRejectReason().orElseThrow(), e.helloRejectReason().orElseThrow());
  }

  /**
   * Flipping any body byte of the signed golden HELLO gives hmac_mismatch unless an earlier check
   * trips first. Flip = XOR 0x01, receiver clock = the vector's timestamp.
   */
  static Stream<Arguments> bodyByteFlips() {
    return IntStream.range(0, 23).mapToObj(i -> {
      HelloRejectReason expected;
      if (i == 0) {
        expected = HelloRejectReason.MALFORMED;       // version 0x03
      } else if (i == 1) {
        expected = HelloRejectReason.STALE_TIMESTAMP; // addr_len 12 shifts the timestamp by a byte
      } else if (i <= 14) {
        expected = HelloRejectReason.HMAC_MISMATCH;   // address bytes
      } else if (i <= 20) {
        expected = HelloRejectReason.STALE_TIMESTAMP; // moves the timestamp by ≥ 2^16 s
      } else {
        expected = HelloRejectReason.HMAC_MISMATCH;   // moves it by 256 s or 1 s: still in window
      }
      return Arguments.of(i, expected);
    });
  }

  @ParameterizedTest(name = "flip body byte {0} → {1}")
  @MethodSource("bodyByteFlips")
  void flippedBodyByteIsRejected(int index, HelloRejectReason expected) {
    FabricFrame frame = hello(flip(FabricVectors.HELLO_SIGNED_PAYLOAD, index));
    assertEquals(expected, rejectLabel(frame, CLUSTER_SECRET, helloClock()));
  }

  @Test
  void flippedHmacLenByteIsMalformed() {
    // 0x20 → 0x21 announces 33 MAC bytes but only 32 follow: the truncated-MAC check.
    FabricFrame frame = hello(flip(FabricVectors.HELLO_SIGNED_PAYLOAD, 23));
    assertEquals(HelloRejectReason.MALFORMED, rejectLabel(frame, CLUSTER_SECRET, helloClock()));
  }

  // ---- accepted edge cases ----

  @Test
  void trailingBytesAfterTheMacAreIgnored() {
    byte[] signed = Arrays.copyOf(FabricVectors.HELLO_SIGNED_PAYLOAD, 60);
    byte[] unsigned = Arrays.copyOf(FabricVectors.HELLO_UNSIGNED_PAYLOAD, 30);

    assertEquals(VECTOR_HELLO, HelloV2.decode(hello(signed), CLUSTER_SECRET, helloClock()));
    assertEquals(VECTOR_HELLO, HelloV2.decode(hello(unsigned), NO_SECRET, helloClock()));
  }

  static Stream<String> addresses() {
    return Stream.of("", "10.0.0.1:7090", "[fd00::1]:7090", "a".repeat(255), "é".repeat(127) + "x");
  }

  @ParameterizedTest(name = "address of {0}")
  @MethodSource("addresses")
  void addressRoundTripsSignedAndUnsigned(String address) {
    HelloV2 hello = new HelloV2(address, HELLO_UNIX);

    assertEquals(hello, HelloV2.decode(hello.encode(CLUSTER_SECRET), CLUSTER_SECRET, helloClock()));
    assertEquals(hello, HelloV2.decode(hello.encode(NO_SECRET), NO_SECRET, helloClock()));
  }

  @Test
  void addressLengthIsCountedInUtf8Bytes() {
    assertEquals(11 + 255, new HelloV2("é".repeat(127) + "x", HELLO_UNIX).encode(NO_SECRET).payloadLength());
    assertEquals(43 + 0, new HelloV2("", HELLO_UNIX).encode(CLUSTER_SECRET).payloadLength());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tooLongAddresses")
  void addressOver255BytesIsAnEncoderError(String address) {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> new HelloV2(address, HELLO_UNIX).encode(NO_SECRET));
    assertEquals(FabricProtocolException.Reason.ADDRESS_TOO_LONG, e.reason());
  }

  static Stream<String> tooLongAddresses() {
    return Stream.of("a".repeat(256), "é".repeat(128));
  }

  @Test
  void invalidUtf8AddressIsAcceptedLikeTheReference() {
    byte[] address = new byte[255];
    Arrays.fill(address, (byte) 0xFF);
    FabricFrame frame = hello(raw(2, address, HELLO_UNIX, 0, new byte[0]));

    HelloV2 decoded = HelloV2.decode(frame, NO_SECRET, helloClock());
    assertEquals(255, decoded.address().length());
  }

  @Test
  void nowTakesTheFlooredSecondOfTheClock() {
    Clock clock = clockAt(Instant.ofEpochSecond(HELLO_UNIX, 999_999_999));
    assertEquals(VECTOR_HELLO, HelloV2.now(HELLO_ADDRESS, clock));
  }

  @Test
  void joinHostPortBracketsIpv6LikeGo() {
    assertEquals("10.0.0.1:7090", HelloV2.joinHostPort("10.0.0.1", 7090));
    assertEquals("[fd00::1]:7090", HelloV2.joinHostPort("fd00::1", 7090));
  }

  @Test
  void truncatedFirstFrameIsLabelledTimeout() {
    // openzro counts any read error of the first frame, truncation included, as timeout
    // (relay/server/cluster/transport.go, handleAccepted).
    byte[] cut = Arrays.copyOf(FabricVectors.HELLO_SIGNED_FRAME, 40);
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> FabricFrameCodec.decode(cut));
    assertEquals(HelloRejectReason.TIMEOUT, e.helloRejectReason().orElseThrow());
  }

  // ---- helpers ----

  private static HelloRejectReason rejectLabel(FabricFrame frame, byte[] secret, Clock clock) {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> HelloV2.decode(frame, secret, clock));
    return e.helloRejectReason().orElseThrow();
  }

  private static FabricFrame hello(byte[] payload) {
    return FabricFrame.of(FabricMessageType.HELLO, payload);
  }

  /** Builds a HELLO payload field by field, including values the encoder would never produce. */
  private static byte[] raw(int version, byte[] address, long unixSeconds, int hmacLen, byte[] mac) {
    ByteBuffer out = ByteBuffer.allocate(11 + address.length + mac.length);
    out.put((byte) version).put((byte) address.length).put(address).putLong(unixSeconds)
        .put((byte) hmacLen).put(mac);
    return out.array();
  }

  private static byte[] flip(byte[] payload, int index) {
    return withByte(payload, index, payload[index] ^ 0x01);
  }

  private static byte[] withByte(byte[] payload, int index, int value) {
    byte[] copy = payload.clone();
    copy[index] = (byte) value;
    return copy;
  }

  @Test
  void encodedSignedFrameCarriesMacOfTheBody() {
    byte[] payload = VECTOR_HELLO.encode(CLUSTER_SECRET).payload();
    assertArrayEquals(HelloAuth.hmacSha256(CLUSTER_SECRET, payload, 0, 23), Arrays.copyOfRange(payload, 24, 56));
  }
}
