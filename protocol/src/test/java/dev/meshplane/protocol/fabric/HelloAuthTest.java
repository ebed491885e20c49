package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HelloAuthTest {

  @Test
  void hmacOfVectorBodyMatchesTestVectorB() {
    byte[] body = FabricVectors.HELLO_BODY;
    assertEquals(hex(FabricVectors.HELLO_HMAC),
        hex(HelloAuth.hmacSha256(FabricVectors.CLUSTER_SECRET, body, 0, body.length)));
  }

  @Test
  void hmacHonoursOffsetAndLength() {
    byte[] padded = FabricVectors.concat(new byte[] {1, 2}, FabricVectors.HELLO_BODY, new byte[] {3});
    assertEquals(hex(FabricVectors.HELLO_HMAC),
        hex(HelloAuth.hmacSha256(FabricVectors.CLUSTER_SECRET, padded, 2, FabricVectors.HELLO_BODY.length)));
  }

  @Test
  void macEqualsComparesContent() {
    byte[] mac = FabricVectors.HELLO_HMAC;
    byte[] other = mac.clone();
    other[31] ^= 1;

    assertTrue(HelloAuth.macEquals(mac, mac.clone()));
    assertFalse(HelloAuth.macEquals(mac, other));
    assertFalse(HelloAuth.macEquals(mac, new byte[31]));
  }

  @Test
  void replayWindowIsFiveMinutes() {
    assertEquals(Duration.ofSeconds(300), HelloAuth.REPLAY_WINDOW);
  }

  static Stream<Arguments> windowCases() {
    long ts = 1_700_000_000L;
    return Stream.of(
        Arguments.of("now", ts, Instant.ofEpochSecond(ts), true),
        Arguments.of("+300 s", ts, Instant.ofEpochSecond(ts + 300), true),
        Arguments.of("-300 s", ts, Instant.ofEpochSecond(ts - 300), true),
        Arguments.of("+300.000000001 s", ts, Instant.ofEpochSecond(ts + 300, 1), false),
        Arguments.of("-300.000000001 s", ts, Instant.ofEpochSecond(ts - 301, 999_999_999), false),
        Arguments.of("+299.999 s", ts, Instant.ofEpochSecond(ts + 299, 999_000_000), true),
        Arguments.of("Long.MAX_VALUE", Long.MAX_VALUE, Instant.ofEpochSecond(ts), false),
        Arguments.of("Long.MIN_VALUE", Long.MIN_VALUE, Instant.ofEpochSecond(ts), false),
        Arguments.of("zero", 0L, Instant.ofEpochSecond(ts), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("windowCases")
  void withinReplayWindow(String name, long unixSeconds, Instant now, boolean expected) {
    assertEquals(expected, HelloAuth.withinReplayWindow(unixSeconds, now));
    assertEquals(expected, HelloAuth.withinReplayWindow(unixSeconds, FabricVectors.clockAt(now)));
  }
}
