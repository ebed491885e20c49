package dev.meshplane.protocol.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessage.AuthResponse;
import dev.meshplane.protocol.relay.RelayMessage.Close;
import dev.meshplane.protocol.relay.RelayMessage.HealthCheck;
import dev.meshplane.protocol.relay.RelayMessage.Hello;
import dev.meshplane.protocol.relay.RelayMessage.HelloResponse;
import dev.meshplane.protocol.relay.RelayMessage.PeersOnline;
import dev.meshplane.protocol.relay.RelayMessage.PeersWentOffline;
import dev.meshplane.protocol.relay.RelayMessage.SubscribePeerState;
import dev.meshplane.protocol.relay.RelayMessage.Transport;
import dev.meshplane.protocol.relay.RelayMessage.UnsubscribePeerState;
import dev.meshplane.protocol.relay.RelayProtocolException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden messages byte for byte (the bytes openzro's relay/messages/message.go marshals for these
 * inputs: peer-a and peer-b, token for relay-secret expiring at 1700003600), round trips, and every
 * way a message can be malformed.
 */
class RelayMessageCodecTest {

  static final HexFormat HEX = HexFormat.of();
  static final PeerId PID_A = PeerId.fromPublicKey("peer-a");
  static final PeerId PID_B = PeerId.fromPublicKey("peer-b");

  static final String AUTH_FROM_A =
      "01062112a4427368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe"
          + "01b7b0e0b929ab096c746c3e0db7b17ba65e65c811d49add112030802f24669ef231373030303033363030";
  static final String HELLO_FROM_A =
      "01012112a4427368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe";
  static final String AUTH_RESPONSE = "010772656c733a2f2f72656c61792e6578616d706c652e636f6d3a343433";
  static final String TRANSPORT_SENT =
      "01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a70696e67";
  static final String TRANSPORT_DELIVERED =
      "01037368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe70696e67";
  static final String PID_B_HEX = "7368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a";

  // ------------------------------------------------------------ golden messages

  @Test
  void authEncodes() {
    byte[] token = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret("relay-secret")).generate(1_700_003_600L);
    byte[] bytes = RelayMessageCodec.encode(new Auth(PID_A, token));
    assertEquals(85, bytes.length);
    assertEquals(AUTH_FROM_A, HEX.formatHex(bytes));
  }

  @Test
  void authDecodesAsHandshakeAndValidates() throws Exception {
    Auth auth = RelayMessageCodec.decodeHandshake(HEX.parseHex(AUTH_FROM_A));
    assertEquals(PID_A, auth.peerId());
    AuthTokenV2 validator = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret("relay-secret"));
    assertEquals(1_700_003_600L, validator.validate(auth.token(), 1_700_000_000L));
  }

  @Test
  void helloEncodesAndIsRejectedAsLegacy() {
    byte[] bytes = RelayMessageCodec.encode(new Hello(PID_A, new byte[0]));
    assertEquals(HELLO_FROM_A, HEX.formatHex(bytes));
    assertReason(Reason.LEGACY_HELLO_UNSUPPORTED, () -> RelayMessageCodec.decodeHandshake(bytes));
  }

  @Test
  void helloDecodesOutsideTheHandshake() throws Exception {
    assertEquals(new Hello(PID_A, new byte[0]), RelayMessageCodec.decode(HEX.parseHex(HELLO_FROM_A)));
  }

  @Test
  void authResponseEncodesAndDecodes() throws Exception {
    AuthResponse response = new AuthResponse("rels://relay.example.com:443");
    assertEquals(AUTH_RESPONSE, HEX.formatHex(RelayMessageCodec.encode(response)));
    assertEquals(response, RelayMessageCodec.decode(HEX.parseHex(AUTH_RESPONSE)));
  }

  @Test
  void transportAsSentAndAsDelivered() throws Exception {
    byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
    assertEquals(TRANSPORT_SENT, HEX.formatHex(RelayMessageCodec.encode(new Transport(PID_B, ping))));
    assertEquals(TRANSPORT_SENT, HEX.formatHex(RelayMessageCodec.encodeTransport(PID_B, ping)));
    assertEquals(new Transport(PID_B, ping), RelayMessageCodec.decode(HEX.parseHex(TRANSPORT_SENT)));

    // Delivered, the slot holds the source (peer-a) instead of the destination; nothing else changes.
    assertEquals(TRANSPORT_DELIVERED, HEX.formatHex(RelayMessageCodec.encodeTransport(PID_A, ping)));
    assertEquals(new Transport(PID_A, ping), RelayMessageCodec.decode(HEX.parseHex(TRANSPORT_DELIVERED)));
  }

  @Test
  void healthCheckAndClose() throws Exception {
    assertEquals("0105", HEX.formatHex(RelayMessageCodec.encode(HealthCheck.INSTANCE)));
    assertEquals("0104", HEX.formatHex(RelayMessageCodec.encode(Close.INSTANCE)));
    assertSame(HealthCheck.INSTANCE, RelayMessageCodec.decode(HEX.parseHex("0105")));
    assertSame(Close.INSTANCE, RelayMessageCodec.decode(HEX.parseHex("0104")));
  }

  static Stream<Arguments> peerStateVectors() {
    List<PeerId> ids = List.of(PID_B);
    return Stream.of(
        Arguments.of(new SubscribePeerState(ids), "0108" + PID_B_HEX),
        Arguments.of(new UnsubscribePeerState(ids), "0109" + PID_B_HEX),
        Arguments.of(new PeersOnline(ids), "010a" + PID_B_HEX),
        Arguments.of(new PeersWentOffline(ids), "010b" + PID_B_HEX));
  }

  @ParameterizedTest
  @MethodSource("peerStateVectors")
  void peerStateMessages(RelayMessage message, String hex) throws Exception {
    assertEquals(hex, HEX.formatHex(RelayMessageCodec.encode(message)));
    assertEquals(38, hex.length() / 2);
    assertEquals(message, RelayMessageCodec.decode(HEX.parseHex(hex)));
  }

  // ------------------------------------------------------------ round trips

  static Stream<RelayMessage> everyMessage() {
    return Stream.of(
        new Hello(PID_A, new byte[] {1, 2, 3}),
        new HelloResponse(new byte[] {9, 8}),
        new Auth(PID_B, new byte[] {1}),
        new AuthResponse("rel://127.0.0.1:33080"),
        new AuthResponse("rels://relé.example:443"),
        new Transport(PID_A, new byte[0]),
        new Transport(PID_A, new byte[RelayProtocolLimits.MAX_TRANSPORT_PAYLOAD]),
        Close.INSTANCE,
        HealthCheck.INSTANCE,
        new SubscribePeerState(List.of(PID_A, PID_B)),
        new UnsubscribePeerState(List.of(PID_B, PID_A)),
        new PeersOnline(manyIds(RelayProtocolLimits.MAX_PEERS_PER_STATE_MESSAGE)),
        new PeersWentOffline(List.of(PID_A)));
  }

  @ParameterizedTest
  @MethodSource("everyMessage")
  void roundTrip(RelayMessage message) throws Exception {
    byte[] bytes = RelayMessageCodec.encode(message);
    assertEquals(message.type(), RelayMessageCodec.readType(bytes));
    assertEquals(message, RelayMessageCodec.decode(bytes));
    assertArrayEquals(bytes, RelayMessageCodec.encode(RelayMessageCodec.decode(bytes)));
  }

  @Test
  void typeCodesMatchTheRegistry() throws Exception {
    for (RelayMessageType type : RelayMessageType.values()) {
      if (type != RelayMessageType.UNKNOWN) {
        assertSame(type, RelayMessageType.fromCode(type.code()));
      }
    }
    assertEquals(11, RelayMessageType.PEERS_WENT_OFFLINE.code());
  }

  @Test
  void longPeerListsAreSplitAt244() throws Exception {
    List<byte[]> chunks = RelayMessageCodec.encodePeerStateChunks(RelayMessageType.PEERS_ONLINE, manyIds(500));
    assertEquals(3, chunks.size());
    assertEquals(2 + 244 * 36, chunks.get(0).length);
    assertEquals(8786, chunks.get(0).length);
    assertEquals(2 + 12 * 36, chunks.get(2).length);
    List<PeerId> back = new ArrayList<>();
    for (byte[] chunk : chunks) {
      back.addAll(((PeersOnline) RelayMessageCodec.decode(chunk)).peerIds());
    }
    assertEquals(manyIds(500), back);
    assertEquals(0, RelayMessageCodec.encodePeerStateChunks(RelayMessageType.PEERS_ONLINE, List.of()).size());
  }

  // ------------------------------------------------------------ malformed input

  @Test
  void emptyMessage() {
    assertReason(Reason.EMPTY, () -> RelayMessageCodec.decode(new byte[0]));
    assertReason(Reason.EMPTY, () -> RelayMessageCodec.decodeHandshake(new byte[0]));
  }

  @Test
  void headerOnlyOneByte() {
    assertReason(Reason.TRUNCATED, () -> RelayMessageCodec.decode(new byte[] {1}));
  }

  @Test
  void wrongVersion() {
    assertReason(Reason.BAD_VERSION, () -> RelayMessageCodec.decode(HEX.parseHex("0205")));
    assertReason(Reason.BAD_VERSION, () -> RelayMessageCodec.decode(HEX.parseHex("00")));
    byte[] auth = HEX.parseHex(AUTH_FROM_A);
    auth[0] = 2;
    assertReason(Reason.BAD_VERSION, () -> RelayMessageCodec.decodeHandshake(auth));
  }

  @Test
  void unknownTypes() {
    assertReason(Reason.UNKNOWN_TYPE, () -> RelayMessageCodec.decode(HEX.parseHex("0100")));
    assertReason(Reason.UNKNOWN_TYPE, () -> RelayMessageCodec.decode(HEX.parseHex("010c")));
    assertReason(Reason.UNKNOWN_TYPE, () -> RelayMessageCodec.decode(HEX.parseHex("01ff")));
  }

  @Test
  void handshakeMustBeAuth() {
    assertReason(Reason.UNEXPECTED_TYPE, () -> RelayMessageCodec.decodeHandshake(HEX.parseHex(TRANSPORT_SENT)));
    assertReason(Reason.UNEXPECTED_TYPE, () -> RelayMessageCodec.decodeHandshake(HEX.parseHex("0105")));
    assertReason(Reason.UNEXPECTED_TYPE, () -> RelayMessageCodec.decodeHandshake(HEX.parseHex(AUTH_RESPONSE)));
  }

  @Test
  void truncatedAuthAtEveryLength() {
    byte[] auth = HEX.parseHex(AUTH_FROM_A);
    for (int length = 2; length < RelayProtocolLimits.MIN_HANDSHAKE_SIZE; length++) {
      byte[] prefix = Arrays.copyOf(auth, length);
      assertReason(Reason.TRUNCATED, () -> RelayMessageCodec.decodeHandshake(prefix));
    }
  }

  @Test
  void authWithoutTokenDecodesToAnEmptyTokenThatValidationRejects() throws Exception {
    Auth auth = RelayMessageCodec.decodeHandshake(Arrays.copyOf(HEX.parseHex(AUTH_FROM_A), 42));
    assertEquals(0, auth.token().length);
    AuthTokenV2 validator = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret("relay-secret"));
    assertReason(Reason.TOKEN_EMPTY, () -> validator.validate(auth.token(), 0));
  }

  @Test
  void badMagic() {
    byte[] auth = HEX.parseHex(AUTH_FROM_A);
    auth[4] = 0;
    assertReason(Reason.BAD_MAGIC, () -> RelayMessageCodec.decodeHandshake(auth));
    byte[] hello = HEX.parseHex(HELLO_FROM_A);
    hello[2] = 0;
    assertReason(Reason.BAD_MAGIC, () -> RelayMessageCodec.decodeHandshake(hello));
  }

  @Test
  void oversizeHandshake() {
    byte[] big = Arrays.copyOf(HEX.parseHex(AUTH_FROM_A), RelayProtocolLimits.MAX_HANDSHAKE_SIZE + 1);
    assertReason(Reason.OVERSIZE, () -> RelayMessageCodec.decodeHandshake(big));
    assertReason(Reason.OVERSIZE, () -> RelayMessageCodec.decode(big));
    byte[] largest = Arrays.copyOf(HEX.parseHex(AUTH_FROM_A), RelayProtocolLimits.MAX_HANDSHAKE_SIZE);
    assertEquals(PID_A, assertDoesNotThrow(() -> RelayMessageCodec.decodeHandshake(largest)).peerId());
    assertThrows(IllegalArgumentException.class,
        () -> RelayMessageCodec.encode(new Auth(PID_A, new byte[RelayProtocolLimits.MAX_HANDSHAKE_SIZE - 41])));
  }

  @Test
  void oversizeTransport() {
    byte[] max = RelayMessageCodec.encodeTransport(PID_B, new byte[RelayProtocolLimits.MAX_TRANSPORT_PAYLOAD]);
    assertEquals(RelayProtocolLimits.MAX_MESSAGE_SIZE, max.length);
    byte[] over = Arrays.copyOf(max, max.length + 1);
    assertReason(Reason.OVERSIZE, () -> RelayMessageCodec.decode(over));
    assertThrows(IllegalArgumentException.class,
        () -> RelayMessageCodec.encodeTransport(PID_B, new byte[RelayProtocolLimits.MAX_TRANSPORT_PAYLOAD + 1]));
  }

  @Test
  void truncatedTransport() {
    byte[] sent = HEX.parseHex(TRANSPORT_SENT);
    for (int length = 2; length < RelayProtocolLimits.TRANSPORT_HEADER_SIZE; length++) {
      byte[] prefix = Arrays.copyOf(sent, length);
      assertReason(Reason.TRUNCATED, () -> RelayMessageCodec.decode(prefix));
    }
  }

  @Test
  void closeAndHealthCheckHaveNoBody() {
    assertReason(Reason.BAD_LENGTH, () -> RelayMessageCodec.decode(HEX.parseHex("010500")));
    assertReason(Reason.BAD_LENGTH, () -> RelayMessageCodec.decode(HEX.parseHex("0104ff")));
  }

  @Test
  void peerListNotAMultipleOf36() {
    byte[] valid = HEX.parseHex("0108" + PID_B_HEX);
    assertReason(Reason.BAD_LENGTH, () -> RelayMessageCodec.decode(Arrays.copyOf(valid, valid.length - 1)));
    assertReason(Reason.BAD_LENGTH, () -> RelayMessageCodec.decode(Arrays.copyOf(valid, valid.length + 1)));
  }

  @Test
  void emptyPeerListDecodesButIsNeverEncoded() throws Exception {
    assertEquals(new SubscribePeerState(List.of()), RelayMessageCodec.decode(HEX.parseHex("0108")));
    assertThrows(IllegalArgumentException.class, () -> RelayMessageCodec.encode(new PeersOnline(List.of())));
    assertThrows(IllegalArgumentException.class,
        () -> RelayMessageCodec.encode(new PeersOnline(manyIds(RelayProtocolLimits.MAX_PEERS_PER_STATE_MESSAGE + 1))));
  }

  @Test
  void oversizePeerList() {
    byte[] tooMany = new byte[2 + 36 * 245];
    tooMany[0] = 1;
    tooMany[1] = 8;
    assertReason(Reason.OVERSIZE, () -> RelayMessageCodec.decode(tooMany));
  }

  @Test
  void authResponseLimits() {
    assertReason(Reason.EMPTY_URL, () -> RelayMessageCodec.decode(HEX.parseHex("0107")));
    assertReason(Reason.BAD_LENGTH, () -> RelayMessageCodec.decode(HEX.parseHex("0107ff")));
    byte[] over = new byte[RelayProtocolLimits.MAX_AUTH_RESPONSE_SIZE + 1];
    Arrays.fill(over, (byte) 'a');
    over[0] = 1;
    over[1] = 7;
    assertReason(Reason.OVERSIZE, () -> RelayMessageCodec.decode(over));
    assertThrows(IllegalArgumentException.class, () -> RelayMessageCodec.encode(new AuthResponse("")));
    assertThrows(IllegalArgumentException.class,
        () -> RelayMessageCodec.encode(new AuthResponse("x".repeat(RelayProtocolLimits.MAX_AUTH_RESPONSE_SIZE - 1))));
  }

  @Test
  void everyPrefixOfEveryMessageFailsOnlyWithTheProtocolException() {
    // Truncation anywhere must produce a reason, never another exception type.
    everyMessage().forEach(message -> {
      byte[] bytes = RelayMessageCodec.encode(message);
      for (int length = 0; length < Math.min(bytes.length, 120); length++) {
        byte[] prefix = Arrays.copyOf(bytes, length);
        try {
          RelayMessageCodec.decode(prefix);
        } catch (RelayProtocolException expected) {
          // fine: rejected with a reason
        }
      }
    });
  }

  @Test
  void randomGarbageNeverThrowsAnythingElse() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] garbage = new byte[random.nextInt(300)];
      random.nextBytes(garbage);
      if (garbage.length > 0 && random.nextBoolean()) {
        garbage[0] = 1;
      }
      try {
        RelayMessageCodec.decode(garbage);
      } catch (RelayProtocolException expected) {
        // fine
      }
      try {
        RelayMessageCodec.decodeHandshake(garbage);
      } catch (RelayProtocolException expected) {
        // fine
      }
    }
  }

  @Test
  void reasonLabelsAreSnakeCase() {
    assertEquals("token_bad_signature", Reason.TOKEN_BAD_SIGNATURE.label());
    assertEquals("legacy_hello_unsupported", Reason.LEGACY_HELLO_UNSUPPORTED.label());
  }

  // ------------------------------------------------------------ helpers

  static List<PeerId> manyIds(int count) {
    List<PeerId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(PeerId.fromPublicKey("peer-" + i));
    }
    return ids;
  }

  interface Decoding {
    Object run() throws RelayProtocolException;
  }

  static void assertReason(Reason expected, Decoding decoding) {
    RelayProtocolException e = assertThrows(RelayProtocolException.class, decoding::run);
    assertEquals(expected, e.reason(), e.getMessage());
  }

  static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> supplier) {
    return org.junit.jupiter.api.Assertions.assertDoesNotThrow(supplier);
  }
}
