package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.PID_A;
import static dev.meshplane.protocol.fabric.FabricVectors.PID_A_RAW;
import static dev.meshplane.protocol.fabric.FabricVectors.PID_B;
import static dev.meshplane.protocol.fabric.FabricVectors.PID_B_RAW;
import static dev.meshplane.protocol.fabric.FabricVectors.concat;
import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FabricMessageCodecTest {

  // ---- golden bytes (FabricVectors) ----

  @Test
  void whoHasMatchesTheGoldenFrame() {
    WhoHas whoHas = new WhoHas(PID_A);

    assertEquals(hex(FabricVectors.WHO_HAS_A_FRAME), hex(FabricFrameCodec.encode(whoHas.encode())));
    assertEquals(whoHas, WhoHas.decode(FabricFrameCodec.decode(FabricVectors.WHO_HAS_A_FRAME)));
  }

  @Test
  void iHaveWithSeqno42MatchesTheGoldenFrame() {
    IHave iHave = new IHave(PID_A, 42);

    assertEquals(hex(FabricVectors.I_HAVE_A_42_FRAME), hex(FabricFrameCodec.encode(iHave.encode())));
    IHave decoded = IHave.decode(FabricFrameCodec.decode(FabricVectors.I_HAVE_A_42_FRAME));
    assertEquals(iHave, decoded);
    assertEquals(42, decoded.seqno());
  }

  @Test
  void fwdWithLiteralBodyMatchesTheGoldenFrame() {
    byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);

    assertEquals(hex(FabricVectors.FWD_HELLO_FRAME), hex(concat(Fwd.frameHeader(PID_A, body.length), body)));
    assertEquals(new Fwd(PID_A, body), Fwd.decode(FabricFrameCodec.decode(FabricVectors.FWD_HELLO_FRAME)));
  }

  @Test
  void fwdOfRewrittenTransportMatchesTheGoldenFrame() {
    byte[] message = FabricVectors.EMBEDDED_TRANSPORT;

    assertEquals(hex(FabricVectors.FWD_TRANSPORT_FRAME), hex(concat(Fwd.frameHeader(PID_A, message.length), message)));
    Fwd decoded = Fwd.decode(FabricFrameCodec.decode(FabricVectors.FWD_TRANSPORT_FRAME));
    assertEquals(PID_A, decoded.destination());
    // The receiving node writes exactly these 43 bytes to peer-a.
    assertEquals(43, decoded.message().length);
    assertArrayEquals(FabricVectors.EMBEDDED_TRANSPORT, decoded.message());
  }

  // ---- round trips for every type ----

  static Stream<Arguments> roundTrips() {
    return Stream.of(
        roundTrip("WHO_HAS 0x01 + 36", new WhoHas(PID_B), new WhoHas(PID_B).encode(), WhoHas::decode),
        roundTrip("I_HAVE seqno 0", new IHave(PID_B, 0), new IHave(PID_B, 0).encode(), IHave::decode),
        roundTrip("I_HAVE seqno 2^32-1", new IHave(PID_B, 0xFFFF_FFFFL), new IHave(PID_B, 0xFFFF_FFFFL).encode(),
            IHave::decode),
        roundTrip("FWD empty message", new Fwd(PID_B, new byte[0]), fwdFrame(PID_B, new byte[0]), Fwd::decode),
        roundTrip("FWD largest message", new Fwd(PID_B, new byte[Fwd.MAX_MESSAGE_SIZE]),
            fwdFrame(PID_B, new byte[Fwd.MAX_MESSAGE_SIZE]), Fwd::decode),
        roundTrip("PING empty", Ping.INSTANCE, Ping.INSTANCE.encode(), FabricMessageCodecTest::afterHello),
        roundTrip("PONG empty", Pong.INSTANCE, Pong.INSTANCE.encode(), FabricMessageCodecTest::afterHello),
        roundTrip("NOT_HERE 0xE0 + 36", new NotHere(PID_B), new NotHere(PID_B).encode(), NotHere::decode),
        roundTrip("PEER_LEFT 0xE1 + 36", new PeerLeft(PID_B), new PeerLeft(PID_B).encode(), PeerLeft::decode),
        roundTrip("CHALLENGE 0xE2 + 32", new Challenge(NONCE), new Challenge(NONCE).encode(), Challenge::decode),
        roundTrip("PROOF 0xE3 + 32", new Proof(NONCE), new Proof(NONCE).encode(), Proof::decode));
  }

  /** 32 distinct bytes, so a codec that dropped or moved one would be caught. */
  private static final byte[] NONCE = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  private static Arguments roundTrip(String name, FabricMessage message, FabricFrame encoded,
      Function<FabricFrame, ? extends FabricMessage> decoder) {
    return Arguments.of(name, message, FabricFrameCodec.encode(encoded), decoder);
  }

  /** FWD's encoder is its frame header followed by the message, as the data path sends it. */
  private static FabricFrame fwdFrame(PeerId destination, byte[] message) {
    return FabricFrameCodec.decode(concat(Fwd.frameHeader(destination, message.length), message));
  }

  private static FabricMessage afterHello(FabricFrame frame) {
    return FabricMessage.decodeAfterHello(frame).orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roundTrips")
  void roundTripThroughTheWire(String name, FabricMessage message, byte[] wire,
      Function<FabricFrame, FabricMessage> decoder) {
    assertEquals(message, decoder.apply(FabricFrameCodec.decode(wire)));
  }

  @Test
  void specificLayouts() {
    assertEquals("210000", hex(FabricFrameCodec.encode(Pong.INSTANCE.encode())));
    assertEquals("e00024" + hex(PID_A_RAW), hex(FabricFrameCodec.encode(new NotHere(PID_A).encode())));
    assertEquals("e10024" + hex(PID_B_RAW), hex(FabricFrameCodec.encode(new PeerLeft(PID_B).encode())));
    assertEquals("e20020" + hex(NONCE), hex(FabricFrameCodec.encode(new Challenge(NONCE).encode())));
    assertEquals("e30020" + hex(NONCE), hex(FabricFrameCodec.encode(new Proof(NONCE).encode())));
  }

  // ---- bad payload sizes: exact-size checks as in openzro's decoders ----

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
        badSize(FabricMessageType.NOT_HERE, 35, NotHere::decode),
        badSize(FabricMessageType.NOT_HERE, 37, NotHere::decode),
        badSize(FabricMessageType.PEER_LEFT, 0, PeerLeft::decode),
        badSize(FabricMessageType.PEER_LEFT, 40, PeerLeft::decode),
        badSize(FabricMessageType.CHALLENGE, 31, Challenge::decode),
        badSize(FabricMessageType.CHALLENGE, 33, Challenge::decode),
        badSize(FabricMessageType.PROOF, 0, Proof::decode),
        badSize(FabricMessageType.PROOF, 36, Proof::decode));
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
  void fwdFrameHeaderFollowedByTheMessageIsTheSpecifiedFrame() {
    for (int length : new int[] {0, 1, 5, 1400, Fwd.MAX_MESSAGE_SIZE}) {
      byte[] message = new byte[length];
      for (int i = 0; i < length; i++) {
        message[i] = (byte) (i * 31);
      }
      byte[] header = Fwd.frameHeader(PID_A, length);
      assertEquals(Fwd.MESSAGE_OFFSET, header.length);
      // A FWD frame is type 0x14 with the payload destination ‖ message (openzro
      // relay/server/cluster/forwarder.go, Forward).
      byte[] expected = FabricFrameCodec.encode(FabricFrame.of(FabricMessageType.FWD, concat(PID_A_RAW, message)));
      assertArrayEquals(expected, concat(header, message), "length " + length);
    }
  }

  @Test
  void fwdFrameHeaderRefusesWhatOneFrameCannotCarry() {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> Fwd.frameHeader(PID_A, Fwd.MAX_MESSAGE_SIZE + 1));
    assertEquals(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE, e.reason());
    assertThrows(FabricProtocolException.class, () -> Fwd.frameHeader(PID_A, -1));
  }

  @Test
  void fwdWithExactlyTheDestinationCarriesAnEmptyMessage() {
    Fwd fwd = Fwd.decode(FabricFrame.of(FabricMessageType.FWD, PID_A_RAW));
    assertEquals(0, fwd.message().length);
  }

  @Test
  void decoderRefusesAFrameOfAnotherType() {
    FabricFrame iHave = FabricFrameCodec.decode(FabricVectors.I_HAVE_A_42_FRAME);
    FabricProtocolException e = assertThrows(FabricProtocolException.class, () -> WhoHas.decode(iHave));
    assertEquals(FabricProtocolException.Reason.WRONG_FRAME_TYPE, e.reason());
  }

  // ---- caller errors ----

  @Test
  void callerErrorsAreIllegalArguments() {
    assertThrows(IllegalArgumentException.class, () -> new IHave(PID_A, -1));
    assertThrows(IllegalArgumentException.class, () -> new IHave(PID_A, 0x1_0000_0000L));
    assertThrows(NullPointerException.class, () -> new WhoHas(null));
  }

  @Test
  void aPeerIdOfAnotherSizeCannotReachAMessage() {
    // Messages take a PeerId, which only exists with exactly 36 bytes.
    RelayProtocolException e = assertThrows(RelayProtocolException.class,
        () -> new WhoHas(PeerId.fromBytes(new byte[35])));
    assertEquals(RelayProtocolException.Reason.BAD_LENGTH, e.reason());
  }

  @Test
  void messagesAreValuesNotViewsOfCallerArrays() {
    byte[] id = PID_A_RAW.clone();
    WhoHas whoHas = new WhoHas(PeerId.fromBytes(id));
    id[0] = 0;
    whoHas.peerId().toBytes()[1] = 0;

    assertArrayEquals(PID_A_RAW, whoHas.peerId().toBytes());
    assertEquals(new WhoHas(PID_A), whoHas);
    assertEquals(new WhoHas(PID_A).hashCode(), whoHas.hashCode());
  }
}
