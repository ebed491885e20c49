package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.PID_A;
import static dev.meshplane.protocol.fabric.FabricVectors.PID_A_RAW;
import static dev.meshplane.protocol.fabric.FabricVectors.concat;
import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The receive rule applied to frames after the handshake: what openzro's frame router handles,
 * what it ignores (relay/server/clusterboot.go, clusterFrameRouter), and meshplane's extensions.
 */
class FabricMessageDispatchTest {

  static Stream<Arguments> handledTypes() {
    return Stream.of(
        Arguments.of(new WhoHas(PID_A).encode(), new WhoHas(PID_A)),
        Arguments.of(new IHave(PID_A, 9).encode(), new IHave(PID_A, 9)),
        Arguments.of(FabricFrame.of(FabricMessageType.FWD, concat(PID_A_RAW, new byte[] {1, 3})),
            new Fwd(PID_A, new byte[] {1, 3})),
        Arguments.of(Ping.INSTANCE.encode(), Ping.INSTANCE),
        Arguments.of(Pong.INSTANCE.encode(), Pong.INSTANCE),
        Arguments.of(new NotHere(PID_A).encode(), new NotHere(PID_A)),
        Arguments.of(new PeerLeft(PID_A).encode(), new PeerLeft(PID_A)),
        Arguments.of(FabricFrame.of(FabricMessageType.CHALLENGE, new byte[32]), new Challenge(new byte[32])),
        Arguments.of(FabricFrame.of(FabricMessageType.PROOF, new byte[32]), new Proof(new byte[32])));
  }

  @ParameterizedTest(name = "{0} is handled")
  @MethodSource("handledTypes")
  void handledTypeIsDecoded(FabricFrame frame, FabricMessage expected) {
    assertEquals(Optional.of(expected), FabricMessage.decodeAfterHello(frame));
  }

  static Stream<FabricFrame> skippedFrames() {
    return Stream.of(
        new HelloV2("10.0.0.2:7090", 1).encode(new byte[0]),  // HELLO again
        // The channel types openzro defines and never sends, in its own layouts
        // (relay/server/cluster/messages.go, EncodeOpen to EncodeClose).
        new FabricFrame(0x10, concat(PID_A_RAW, PID_A_RAW, hex("00000001"))),  // OPEN, 76 bytes
        new FabricFrame(0x11, hex("0000000101")),                       // OPEN_ACK, accept
        new FabricFrame(0x12, hex("00000001abcd")),                     // DATA
        new FabricFrame(0x13, hex("00000001")),                         // CLOSE
        new FabricFrame(0x10, new byte[3]),        // malformed but ignored, as in openzro
        new FabricFrame(0x13, new byte[0]),
        FabricFrame.of(FabricMessageType.PING, new byte[] {1}),   // a future PING with a payload
        FabricFrame.of(FabricMessageType.PONG, new byte[] {1}),
        FabricFrame.of(FabricMessageType.NOT_HERE, new byte[35]), // extension of another layout
        FabricFrame.of(FabricMessageType.PEER_LEFT, new byte[37]),
        FabricFrame.of(FabricMessageType.CHALLENGE, new byte[31]),
        FabricFrame.of(FabricMessageType.PROOF, new byte[33]),
        new FabricFrame(0x03, new byte[] {1, 2, 3}),             // unknown, inside a known range
        new FabricFrame(0x7F, new byte[0]),
        new FabricFrame(0xFF, new byte[65535]));
  }

  @ParameterizedTest(name = "{0} is skipped")
  @MethodSource("skippedFrames")
  void otherTypesAreSkippedNotFatal(FabricFrame frame) {
    assertEquals(Optional.empty(), FabricMessage.decodeAfterHello(frame));
  }

  static Stream<FabricFrame> streamClosingFrames() {
    return Stream.of(
        FabricFrame.of(FabricMessageType.WHO_HAS, new byte[37]),
        FabricFrame.of(FabricMessageType.I_HAVE, new byte[36]),
        FabricFrame.of(FabricMessageType.FWD, new byte[35]));
  }

  @ParameterizedTest(name = "{0} closes the stream")
  @MethodSource("streamClosingFrames")
  void badSizeOfAHandledTypeIsFatal(FabricFrame frame) {
    FabricProtocolException e = assertThrows(FabricProtocolException.class,
        () -> FabricMessage.decodeAfterHello(frame));
    assertEquals(FabricProtocolException.Reason.BAD_PAYLOAD_LENGTH, e.reason());
  }

  @Test
  void unknownFrameBetweenTwoHandledOnesIsSkippedAlone() {
    List<byte[]> wire = List.of(
        FabricVectors.WHO_HAS_A_FRAME,
        FabricFrameCodec.encode(new FabricFrame(0x42, new byte[] {0, 0, 0x24})), // looks like a header
        FabricVectors.I_HAVE_A_42_FRAME);
    List<FabricMessage> handled = new ArrayList<>();
    int skipped = 0;

    for (byte[] bytes : wire) {
      Optional<FabricMessage> message = FabricMessage.decodeAfterHello(FabricFrameCodec.decode(bytes));
      if (message.isPresent()) {
        handled.add(message.get());
      } else {
        skipped++;
      }
    }

    assertEquals(List.of(new WhoHas(PID_A), new IHave(PID_A, 42)), handled);
    assertEquals(1, skipped);
  }
}
