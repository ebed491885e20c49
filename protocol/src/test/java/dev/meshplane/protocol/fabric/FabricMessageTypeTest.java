package dev.meshplane.protocol.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FabricMessageTypeTest {

  /** The type table of openzro relay/server/cluster/frame.go, row by row, less the unused channel types. */
  static Stream<Arguments> typeTable() {
    return Stream.of(
        Arguments.of(FabricMessageType.HELLO, 0x00),
        Arguments.of(FabricMessageType.WHO_HAS, 0x01),
        Arguments.of(FabricMessageType.I_HAVE, 0x02),
        Arguments.of(FabricMessageType.FWD, 0x14),
        Arguments.of(FabricMessageType.PING, 0x20),
        Arguments.of(FabricMessageType.PONG, 0x21),
        // meshplane extensions, outside every range openzro reserves
        Arguments.of(FabricMessageType.NOT_HERE, 0xE0),
        Arguments.of(FabricMessageType.PEER_LEFT, 0xE1),
        Arguments.of(FabricMessageType.CHALLENGE, 0xE2),
        Arguments.of(FabricMessageType.PROOF, 0xE3));
  }

  @ParameterizedTest(name = "{0} = 0x{1}")
  @MethodSource("typeTable")
  void codeMatchesTheTable(FabricMessageType type, int code) {
    assertEquals(code, type.code());
    assertEquals(Optional.of(type), FabricMessageType.fromCode(code));
  }

  @Test
  void tableHasNoExtraConstants() {
    assertEquals(typeTable().count(), FabricMessageType.values().length);
  }

  @Test
  void everyCodeSitsInItsReservedRange() {
    // openzro's ranges: 0x00-0x0F discovery/lookup, 0x10-0x1F channel and data, 0x20-0x2F health.
    // meshplane's extensions use 0xE0-0xEF so an upstream addition can never collide with them.
    for (FabricMessageType type : FabricMessageType.values()) {
      assertTrue(type.code() <= 0x2F || (type.code() & 0xF0) == 0xE0, type + " outside the reserved ranges");
    }
    assertEquals(0x00, FabricMessageType.WHO_HAS.code() & 0xF0);
    assertEquals(0x10, FabricMessageType.FWD.code() & 0xF0);
    assertEquals(0x20, FabricMessageType.PONG.code() & 0xF0);
  }

  /** 0x10-0x13 are openzro's OPEN, OPEN_ACK, DATA and CLOSE: never sent, so received like any unknown code. */
  @ParameterizedTest(name = "code {0} is unknown")
  @ValueSource(ints = {0x03, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x15, 0x1F, 0x22, 0x7F, 0xFF, -1, 256})
  void unknownCodesAreRepresentableNotFatal(int code) {
    assertEquals(Optional.empty(), FabricMessageType.fromCode(code));
  }

  @Test
  void describeShowsNameOrHex() {
    assertEquals("I_HAVE", FabricMessageType.describe(0x02));
    assertEquals("0x7f", FabricMessageType.describe(0x7F));
    assertEquals("0x03", FabricMessageType.describe(0x03));
  }
}
