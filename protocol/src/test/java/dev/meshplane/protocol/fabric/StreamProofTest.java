package dev.meshplane.protocol.fabric;

import static dev.meshplane.protocol.fabric.FabricVectors.CLUSTER_SECRET;
import static dev.meshplane.protocol.fabric.FabricVectors.concat;
import static dev.meshplane.protocol.fabric.FabricVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.fabric.StreamProof.Role;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stream proof: its bytes, built here by hand from the layout in {@link StreamProof} and signed
 * with {@code javax.crypto.Mac}, and that every input it is bound to changes it, which is what
 * makes a relayed or reflected proof useless.
 */
class StreamProofTest {

  private static final String A = "10.0.0.1:7090";
  private static final String B = "10.0.0.2:7090";
  private static final byte[] NONCE = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @Test
  void proofIsTheHmacOfTheDocumentedLayout() throws Exception {
    byte[] message = concat(
        "meshplane-fabric-proof-v1".getBytes(StandardCharsets.US_ASCII),
        hex("01"),
        hex("000d"), A.getBytes(StandardCharsets.US_ASCII),
        hex("000d"), B.getBytes(StandardCharsets.US_ASCII),
        NONCE);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(CLUSTER_SECRET, "HmacSHA256"));

    assertArrayEquals(mac.doFinal(message), StreamProof.compute(CLUSTER_SECRET, Role.DIALER, A, B, NONCE));
    assertEquals(StreamProof.SIZE, StreamProof.compute(CLUSTER_SECRET, Role.ACCEPTOR, A, B, NONCE).length);
  }

  @Test
  void everyBoundInputChangesTheProof() {
    byte[] otherNonce = NONCE.clone();
    otherNonce[31] ^= 1;
    byte[] otherSecret = "another-secret".getBytes(StandardCharsets.UTF_8);
    List<byte[]> proofs = List.of(
        StreamProof.compute(CLUSTER_SECRET, Role.DIALER, A, B, NONCE),
        StreamProof.compute(CLUSTER_SECRET, Role.ACCEPTOR, A, B, NONCE),   // the other end's role
        StreamProof.compute(CLUSTER_SECRET, Role.DIALER, B, A, NONCE),     // prover and verifier swapped
        StreamProof.compute(CLUSTER_SECRET, Role.DIALER, A, "10.0.0.3:7090", NONCE), // another verifier
        StreamProof.compute(CLUSTER_SECRET, Role.DIALER, A, B, otherNonce),
        StreamProof.compute(otherSecret, Role.DIALER, A, B, NONCE));
    Set<String> distinct = new HashSet<>();
    proofs.forEach(proof -> distinct.add(hex(proof)));
    assertEquals(proofs.size(), distinct.size());
  }

  @Test
  void lengthPrefixesKeepAddressBoundariesApart() {
    // Without the lengths, "10.0.0.1:7" + "09010.0.0.2:7090" would sign the same bytes as A + B.
    assertNotEquals(hex(StreamProof.compute(CLUSTER_SECRET, Role.DIALER, A, B, NONCE)),
        hex(StreamProof.compute(CLUSTER_SECRET, Role.DIALER, "10.0.0.1:7", "09010.0.0.2:7090", NONCE)));
  }

  @Test
  void verifyAcceptsOnlyTheSameInputs() {
    byte[] proof = StreamProof.compute(CLUSTER_SECRET, Role.ACCEPTOR, B, A, NONCE);

    assertTrue(StreamProof.verify(proof, CLUSTER_SECRET, Role.ACCEPTOR, B, A, NONCE));
    assertFalse(StreamProof.verify(proof, CLUSTER_SECRET, Role.DIALER, B, A, NONCE));
    assertFalse(StreamProof.verify(proof, CLUSTER_SECRET, Role.ACCEPTOR, B, "10.0.0.3:7090", NONCE));
    assertFalse(StreamProof.verify(new byte[31], CLUSTER_SECRET, Role.ACCEPTOR, B, A, NONCE));
  }

  @Test
  void theOtherRoleIsTheOtherEnd() {
    assertEquals(Role.ACCEPTOR, Role.DIALER.other());
    assertEquals(Role.DIALER, Role.ACCEPTOR.other());
  }

  @ParameterizedTest(name = "{0} and {1} are the same address")
  @CsvSource({
      "'[fd00::1]:7090',          '[fd00:0:0:0:0:0:0:1]:7090'",
      "'[FD00::A]:7090',          '[fd00:0:0:0:0:0:0:a]:7090'",
      "'Relay-0.Example:7090',    'relay-0.example:7090'",
      "'10.0.0.1:7090',           '10.0.0.1:7090'",
  })
  void addressesAreComparedInOneSpelling(String written, String asDnsGivesIt) {
    assertEquals(StreamProof.canonicalAddress(asDnsGivesIt), StreamProof.canonicalAddress(written));
    assertArrayEquals(StreamProof.compute(CLUSTER_SECRET, Role.DIALER, written, A, NONCE),
        StreamProof.compute(CLUSTER_SECRET, Role.DIALER, asDnsGivesIt, A, NONCE));
  }

  @Test
  void differentHostsStayDifferent() {
    assertNotEquals(StreamProof.canonicalAddress("[fd00::1]:7090"), StreamProof.canonicalAddress("[fd00::2]:7090"));
    assertNotEquals(StreamProof.canonicalAddress("[fd00::1]:7090"), StreamProof.canonicalAddress("[fd00::1]:7091"));
    // Not a literal: kept as written (lower case), never resolved.
    assertEquals("[not-an-ip]:7090", StreamProof.canonicalAddress("[not-an-ip]:7090"));
  }

  @Test
  void thereIsNothingToProveWithoutASecretOrWithABadNonce() {
    assertThrows(IllegalArgumentException.class, () -> StreamProof.compute(new byte[0], Role.DIALER, A, B, NONCE));
    assertThrows(IllegalArgumentException.class,
        () -> StreamProof.compute(CLUSTER_SECRET, Role.DIALER, A, B, new byte[16]));
  }
}
