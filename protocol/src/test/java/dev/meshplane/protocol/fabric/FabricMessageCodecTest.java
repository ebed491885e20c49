package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.PID_A;
import static dev.meshplane.protocol.fabric.FabricVectors.PID_B;
import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FabricMessageCodecTest {

  // ---- golden bytes, test-vectors.md §C ----

  @Test
  void whoHasMatchesVectorC() {
    WhoHas whoHas = new WhoHas(PID_A);

    assertEquals(hex(FabricVectors.WHO_HAS_A_FRAME), hex(FabricFrameCodec.encode(whoHas.encode())));
    assertEquals(whoHas, WhoHas.decode(FabricFrameCodec.decodeExact(FabricVectors.WHO_HAS_A_FRAME)));
  }

  @Test
  void iHaveWithSeqno42MatchesVectorC() {
    IHave iHave = new IHave(PID_A, 42);

    assertEquals(hex(FabricVectors.I_HAVE_A_42_FRAME), hex(FabricFrameCodec.encode(iHave.encode())));
    IHave decoded = IHave.decode(FabricFrameCodec.decodeExact(FabricVectors.I_HAVE_A_42_FRAME));
    assertEquals(iHave, decoded);
    assertEquals(42, decoded.seqno());
  }

  @Test
  void fwdWithLiteralBodyMatchesVectorC1() {
    Fwd fwd = new Fwd(PID_A, "hello".getBytes(StandardCharsets.US_ASCII));

    assertEquals(hex(FabricVectors.FWD_HELLO_FRAME), hex(FabricFrameCodec.encode(fwd.encode())));
    assertEquals(fwd, Fwd.decode(FabricFrameCodec.decodeExact(FabricVectors.FWD_HELLO_FRAME)));
  }

  @Test
  void fwdOfRewrittenTransportMatchesVectorC2() {
    Fwd fwd = new Fwd(PID_A, FabricVectors.EMBEDDED_TRANSPORT);

    assertEquals(hex(FabricVectors.FWD_TRANSPORT_FRAME), hex(FabricFrameCodec.encode(fwd.encode())));
    Fwd decoded = Fwd.decode(FabricFrameCodec.decodeExact(FabricVectors.FWD_TRANSPORT_FRAME));
    assertArrayEquals(PID_A, decoded.destination());
    // The receiving pod writes exactly these 43 bytes to peer-a.
    assertEquals(43, decoded.message().length);
    assertArrayEquals(FabricVectors.EMBEDDED_TRANSPORT, decoded.message());
  }

  // ---- round trips for every type ----

  static Stream<Arguments> roundTrips() {
    return Stream.of(
        roundTrip(new WhoHas(PID_B), WhoHas::encode, WhoHas::decode, "0x01 + 36"),
        roundTrip(new IHave(PID_B, 0), IHave::encode, IHave::decode, "seqno 0"),
        roundTrip(new IHave(PID_B, 0xFFFF_FFFFL), IHave::encode, IHave::decode, "seqno 2^32-1"),
        roundTrip(new Fwd(PID_B, new byte[0]), Fwd::encode, Fwd::decode, "empty message"),
        roundTrip(new Fwd(PID_B, new byte[Fwd.MAX_MESSAGE_LENGTH]), Fwd::encode, Fwd::decode, "largest message"),
        roundTrip(new Open(PID_A, PID_B, 0xDEAD_BEEFL), Open::encode, Open::decode, "76 bytes"),
        roundTrip(new OpenAck(7, OpenAck.STATUS_ACCEPT), OpenAck::encode, OpenAck::decode, "accept"),
        roundTrip(new OpenAck(7, OpenAck.STATUS_REJECT), OpenAck::encode, OpenAck::decode, "reject"),
        roundTrip(new OpenAck(7, 0xFF), OpenAck::encode, OpenAck::decode, "undefined status kept raw"),
        roundTrip(new Data(0xFFFF_FFFFL, new byte[] {1, 2, 3}), Data::encode, Data::decode, "3 bytes"),
        roundTrip(new Data(1, new byte[0]), Data::encode, Data::decode, "empty"),
        roundTrip(new Close(0x0102_0304L), Close::encode, Close::decode, "4 bytes"),
        roundTrip(Ping.INSTANCE, Ping::encode, Ping::decode, "empty"),
        roundTrip(Pong.INSTANCE, Pong::encode, Pong::decode, "empty"),
        roundTrip(new NotHere(PID_B), NotHere::encode, NotHere::decode, "0xE0 + 36"),
        roundTrip(new PeerLeft(PID_B), PeerLeft::encode, PeerLeft::decode, "0xE1 + 36"));
  }

  private static <M extends FabricMessage> Arguments roundTrip(M message, Function<M, FabricFrame> encoder,
      Function<FabricFrame, M> decoder, String note) {
    byte[] wire = FabricFrameCodec.encode(encoder.apply(message));
    return Arguments.of(message.getClass().getSimpleName() + " " + note, message, wire, decoder);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roundTrips")
  void roundTripThroughTheWire(String name, FabricMessage message, byte[] wire,
      Function<FabricFrame, FabricMessage> decoder) {
    assertEquals(message, decoder.apply(FabricFrameCodec.decodeExact(wire)));
  }

  @Test
  void specificLayouts() {
    assertEquals("11" + "0005" + "0000000701", hex(FabricFrameCodec.encode(new OpenAck(7, 1).encode())));
    assertEquals("13" + "0004" + "01020304", hex(FabricFrameCodec.encode(new Close(0x01020304L).encode())));
    assertEquals("12" + "0006" + "ffffffff" + "abcd",
        hex(FabricFrameCodec.encode(new Data(0xFFFF_FFFFL, new byte[] {(byte) 0xAB, (byte) 0xCD}).encode())));
    assertEquals("10" + "004c" + hex(PID_A) + hex(PID_B) + "0000002a",
        hex(FabricFrameCodec.encode(new Open(PID_A, PID_B, 42).encode())));
    assertEquals("210000", hex(FabricFrameCodec.encode(Pong.INSTANCE.encode())));
    assertEquals("e00024" + hex(PID_A), hex(FabricFrameCodec.encode(new NotHere(PID_A).encode())));
    assertEquals("e10024" + hex(PID_B), hex(FabricFrameCodec.encode(new PeerLeft(PID_B).encode())));
    assertTrue(new OpenAck(1, 1).accepted());
    assertFalse(new OpenAck(1, 0).accepted());
  }

  // ---- bad payload sizes: exact-size checks as in the reference (§3) ----

  static Stream<Arguments> badSizes() {
    return Stream.of(
        badSize(FabricMessageType.WHO_HAS, 35, WhoHas::decode),
        badSize(FabricMessageType.WHO_HAS, 37, WhoHas::decode),
        badSize(FabricMessageType.WHO_HAS, 0, WhoHas::decode),
        badSize(FabricMessageType.I_HAVE, 36, IHave::decode),
        badSize(FabricMessageType.I_HAVE, 39, IHave::decode),
        badSize(FabricMessageType.I_HAVE, 41, IHave::decode),
        badSize(FabricMessageType.FWD, 0, Fwd::decode),
        badSize(FabricMessageType.FWD, 35, Fwd::decode),
        badSize(FabricMessageType.OPEN, 75, Open::decode),
        badSize(FabricMessageType.OPEN, 77, Open::decode),
        badSize(FabricMessageType.OPEN_ACK, 4, OpenAck::decode),
        badSize(FabricMessageType.OPEN_ACK, 6, OpenAck::decode),
        badSize(FabricMessageType.DATA, 3, Data::decode),
        badSize(FabricMessageType.CLOSE, 3, Close::decode),
        badSize(FabricMessageType.CLOSE, 5, Close::decode),
        badSize(FabricMessageType.PING, 1, Ping::decode),
        badSize(FabricMessageType.PONG, 1, Pong::decode),
        badSize(FabricMessageType.NOT_HERE, 35, NotHere::decode),
        badSize(FabricMessageType.NOT_HERE, 37, NotHere::decode),
        badSize(FabricMessageType.PEER_LEFT, 0, PeerLeft::decode),
        badSize(FabricMessageType.PEER_LEFT, 40, PeerLeft::decode));
  }

  private static Arguments badSize(FabricMessageType type, int size, Function<FabricFrame, ?> decoder) {
    return Arguments.of(type, size, decoder);
  }

  @ParameterizedTest(name = "{0} with {1}-byte payload")
  @MethodSource("badSizes")
  void badPayloadSizeIsRejected(FabricMessageType type, int size, Function<FabricFrame, ?> decoder) {
    FabricFrame frame = FabricFrame.of(type, new byte[size]);
    FabricProtocolException e = assertThrows(FabricProtocolException.class, () -> decoder.apply(frame));
    assertEquals(FabricProtocolException.Reason.BAD_PAYLOAD_LENGTH, e.reason());
  }

  @Test
  void fwdFrameHeaderFollowedByTheMessageIsTheEncodedFrame() {
    for (int length : new int[] {0, 1, 5, 1400, Fwd.MAX_MESSAGE_LENGTH}) {
      byte[] message = new byte[length];
      for (int i = 0; i < length; i++) {
        message[i] = (byte) (i * 31);
      }
      byte[] header = Fwd.frameHeader(PID_A, length);
      assertEquals(Fwd.MESSAGE_OFFSET, header.length);
      byte[] joined = new byte[header.length + length];
      System.arraycopy(header, 0, joined, 0, header.length);
      System.arraycopy(message, 0, joined, header.length, length);
      assertArrayEquals(FabricFrameCodec.encode(new Fwd(PID_A, message).encode()), joined, "length " + length);
    }
  }

  @Test
  void fwdFrameHeaderRefusesWhatOneFrameCannotCarry() {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> Fwd.frameHeader(PID_A, Fwd.MAX_MESSAGE_LENGTH + 1));
    assertEquals(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE, e.reason());
    assertThrows(FabricProtocolException.class, () -> Fwd.frameHeader(PID_A, -1));
    assertThrows(IllegalArgumentException.class, () -> Fwd.frameHeader(new byte[35], 1));
  }

  @Test
  void fwdWithExactlyTheDestinationCarriesAnEmptyMessage() {
    Fwd fwd = Fwd.decode(FabricFrame.of(FabricMessageType.FWD, PID_A));
    assertEquals(0, fwd.message().length);
  }

  @Test
  void decoderRefusesAFrameOfAnotherType() {
    FabricFrame iHave = FabricFrameCodec.decodeExact(FabricVectors.I_HAVE_A_42_FRAME);
    FabricProtocolException e = assertThrows(FabricProtocolException.class, () -> WhoHas.decode(iHave));
    assertEquals(FabricProtocolException.Reason.WRONG_FRAME_TYPE, e.reason());
  }

  // ---- encode-side limits ----

  @Test
  void fwdTooLargeForOneFrameIsRefused() {
    Fwd fwd = new Fwd(PID_A, new byte[Fwd.MAX_MESSAGE_LENGTH + 1]);
    FabricProtocolException e = assertThrows(FabricProtocolException.class, fwd::encode);
    assertEquals(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE, e.reason());
  }

  @Test
  void dataTooLargeForOneFrameIsRefused() {
    Data data = new Data(1, new byte[65532]);
    FabricProtocolException e = assertThrows(FabricProtocolException.class, data::encode);
    assertEquals(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE, e.reason());
  }

  @Test
  void callerErrorsAreIllegalArguments() {
    assertThrows(IllegalArgumentException.class, () -> new WhoHas(new byte[35]));
    assertThrows(IllegalArgumentException.class, () -> new IHave(PID_A, -1));
    assertThrows(IllegalArgumentException.class, () -> new IHave(PID_A, 0x1_0000_0000L));
    assertThrows(IllegalArgumentException.class, () -> new Close(-1));
    assertThrows(IllegalArgumentException.class, () -> new OpenAck(1, 256));
  }

  @Test
  void messagesAreValuesNotViewsOfCallerArrays() {
    byte[] id = PID_A.clone();
    WhoHas whoHas = new WhoHas(id);
    id[0] = 0;
    whoHas.peerId()[1] = 0;

    assertArrayEquals(PID_A, whoHas.peerId());
    assertEquals(new WhoHas(PID_A), whoHas);
    assertEquals(new WhoHas(PID_A).hashCode(), whoHas.hashCode());
  }
}
