package dev.meshplane.protocol.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HelloRejectReasonTest {

  static Stream<Arguments> labels() {
    return Stream.of(
        Arguments.of(HelloRejectReason.HMAC_MISMATCH, "hmac_mismatch"),
        Arguments.of(HelloRejectReason.UNSIGNED_BUT_REQUIRED, "unsigned_but_required"),
        Arguments.of(HelloRejectReason.SIGNED_BUT_UNSUPPORTED, "signed_but_unsupported"),
        Arguments.of(HelloRejectReason.STALE_TIMESTAMP, "stale_timestamp"),
        Arguments.of(HelloRejectReason.MALFORMED, "malformed"),
        Arguments.of(HelloRejectReason.TIMEOUT, "timeout"),
        Arguments.of(HelloRejectReason.FIRST_FRAME_NOT_HELLO, "first_frame_not_hello"),
        Arguments.of(HelloRejectReason.OWN_ADDRESS, "own_address"),
        Arguments.of(HelloRejectReason.REPLAYED, "replayed"),
        Arguments.of(HelloRejectReason.REPLAY_MEMORY_FULL, "replay_memory_full"));
  }

  @ParameterizedTest(name = "{0} → \"{1}\"")
  @MethodSource("labels")
  void labelIsExactPrometheusText(HelloRejectReason reason, String label) {
    assertEquals(label, reason.label());
  }

  @Test
  void labelSetIsExactlyOpenzrosSet() {
    // openzro relay/server/cluster/metrics.go, HelloRejectReason: relay_cluster_hello_rejects_total.
    Set<String> openzro = Set.of("hmac_mismatch", "unsigned_but_required", "signed_but_unsupported",
        "stale_timestamp", "malformed", "timeout", "first_frame_not_hello");
    assertEquals(openzro, Arrays.stream(HelloRejectReason.values()).filter(HelloRejectReason::openzro)
        .map(HelloRejectReason::label).collect(Collectors.toSet()));
  }

  @Test
  void meshplaneAddsExactlyItsOwnChecks() {
    // docs/relay.md: checks openzro does not make, run after all of openzro's.
    Set<String> meshplane = Set.of("own_address", "replayed", "replay_memory_full");
    assertEquals(meshplane, Arrays.stream(HelloRejectReason.values()).filter(reason -> !reason.openzro())
        .map(HelloRejectReason::label).collect(Collectors.toSet()));
  }

  /** Each protocol reason and the label it is counted under during the handshake. */
  static Stream<Arguments> reasonToLabel() {
    return Stream.of(
        Arguments.of(FabricProtocolException.Reason.TRUNCATED_HEADER, HelloRejectReason.TIMEOUT),
        Arguments.of(FabricProtocolException.Reason.TRUNCATED_PAYLOAD, HelloRejectReason.TIMEOUT),
        Arguments.of(FabricProtocolException.Reason.FIRST_FRAME_NOT_HELLO, HelloRejectReason.FIRST_FRAME_NOT_HELLO),
        Arguments.of(FabricProtocolException.Reason.HELLO_TOO_SHORT, HelloRejectReason.MALFORMED),
        Arguments.of(FabricProtocolException.Reason.HELLO_BAD_VERSION, HelloRejectReason.MALFORMED),
        Arguments.of(FabricProtocolException.Reason.HELLO_TRUNCATED_ADDRESS, HelloRejectReason.MALFORMED),
        Arguments.of(FabricProtocolException.Reason.HELLO_STALE_TIMESTAMP, HelloRejectReason.STALE_TIMESTAMP),
        Arguments.of(FabricProtocolException.Reason.HELLO_TRUNCATED_MAC, HelloRejectReason.MALFORMED),
        Arguments.of(FabricProtocolException.Reason.HELLO_UNSIGNED_BUT_REQUIRED, HelloRejectReason.UNSIGNED_BUT_REQUIRED),
        Arguments.of(FabricProtocolException.Reason.HELLO_BAD_MAC_LENGTH, HelloRejectReason.MALFORMED),
        Arguments.of(FabricProtocolException.Reason.HELLO_MAC_MISMATCH, HelloRejectReason.HMAC_MISMATCH),
        Arguments.of(FabricProtocolException.Reason.HELLO_SIGNED_BUT_UNSUPPORTED, HelloRejectReason.SIGNED_BUT_UNSUPPORTED),
        Arguments.of(FabricProtocolException.Reason.HELLO_OWN_ADDRESS, HelloRejectReason.OWN_ADDRESS),
        Arguments.of(FabricProtocolException.Reason.HELLO_REPLAYED, HelloRejectReason.REPLAYED),
        Arguments.of(FabricProtocolException.Reason.HELLO_REPLAY_MEMORY_FULL, HelloRejectReason.REPLAY_MEMORY_FULL),
        Arguments.of(FabricProtocolException.Reason.TRAILING_BYTES, null),
        Arguments.of(FabricProtocolException.Reason.PAYLOAD_TOO_LARGE, null),
        Arguments.of(FabricProtocolException.Reason.WRONG_FRAME_TYPE, null),
        Arguments.of(FabricProtocolException.Reason.BAD_PAYLOAD_LENGTH, null),
        Arguments.of(FabricProtocolException.Reason.ADDRESS_TOO_LONG, null));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("reasonToLabel")
  void protocolReasonMapsToLabel(FabricProtocolException.Reason reason, HelloRejectReason label) {
    assertEquals(Optional.ofNullable(label), reason.helloRejectReason());
  }

  @Test
  void everyProtocolReasonIsMapped() {
    assertEquals(FabricProtocolException.Reason.values().length, reasonToLabel().count());
  }
}
