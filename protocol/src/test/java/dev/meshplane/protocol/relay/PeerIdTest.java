package dev.meshplane.protocol.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshplane.protocol.relay.RelayProtocolException.Reason;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Golden IDs: what openzro's HashID (relay/messages/id.go) gives for "peer-a" and "peer-b". */
class PeerIdTest {

  static final String PID_A_HEX = "7368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe";
  static final String PID_B_HEX = "7368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a";

  static final HexFormat HEX = HexFormat.of();

  @Test
  void rawBytesOfPeerA() {
    assertArrayEquals(HEX.parseHex(PID_A_HEX), PeerId.fromPublicKey("peer-a").toBytes());
  }

  @Test
  void rawBytesOfPeerB() {
    assertArrayEquals(HEX.parseHex(PID_B_HEX), PeerId.fromPublicKey("peer-b").toBytes());
  }

  @Test
  void stringFormIsShaPrefixAndPaddedBase64() {
    assertEquals("sha-vblMc9U8RAI6cVopcKEMTVT6lVC3D9nTTMSwot5d3L4=", PeerId.fromPublicKey("peer-a").toString());
    assertEquals("sha-AvldyrZ12Pf90jzf3AXmhPwg3UcI+jtJHfbpBlupvko=", PeerId.fromPublicKey("peer-b").toString());
    assertEquals(48, PeerId.fromPublicKey("anything").toString().length());
  }

  @Test
  void equalityIsByRawBytes() throws Exception {
    PeerId derived = PeerId.fromPublicKey("peer-a");
    PeerId parsed = PeerId.fromBytes(HEX.parseHex(PID_A_HEX));
    assertEquals(derived, parsed);
    assertEquals(derived.hashCode(), parsed.hashCode());
    assertNotEquals(derived, PeerId.fromPublicKey("peer-b"));
  }

  @Test
  void fromBytesRejectsWrongLength() {
    RelayProtocolException e = assertThrows(RelayProtocolException.class, () -> PeerId.fromBytes(new byte[35]));
    assertEquals(Reason.BAD_LENGTH, e.reason());
    assertEquals(Reason.BAD_LENGTH, assertThrows(RelayProtocolException.class,
        () -> PeerId.fromBytes(new byte[37])).reason());
  }

  @Test
  void readFromRejectsTooFewBytes() {
    byte[] raw = HEX.parseHex(PID_A_HEX);
    assertEquals(Reason.TRUNCATED, assertThrows(RelayProtocolException.class, () -> PeerId.readFrom(raw, 1)).reason());
    assertEquals(Reason.TRUNCATED, assertThrows(RelayProtocolException.class, () -> PeerId.readFrom(raw, -1)).reason());
  }

  @Test
  void isImmutable() throws Exception {
    byte[] raw = HEX.parseHex(PID_A_HEX);
    PeerId id = PeerId.fromBytes(raw);
    raw[5] ^= 1;
    id.toBytes()[6] ^= 1;
    assertArrayEquals(HEX.parseHex(PID_A_HEX), id.toBytes());
  }
}
