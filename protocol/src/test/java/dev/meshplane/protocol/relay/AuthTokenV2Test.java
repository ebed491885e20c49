package dev.meshplane.protocol.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshplane.protocol.relay.RelayProtocolException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tokens, as openzro's relay/auth/hmac/v2 generator makes them, and the validation order of
 * its validator (validator.go, Validate). The deployed token is keyed with SHA-256 of the secret,
 * as a relay runs; the raw-key token with the secret's bytes, to tell the two derivations apart.
 */
class AuthTokenV2Test {

  static final HexFormat HEX = HexFormat.of();
  static final long EXPIRY = 1_700_003_600L;
  static final String DEPLOYED_TOKEN =
      "01b7b0e0b929ab096c746c3e0db7b17ba65e65c811d49add112030802f24669ef231373030303033363030";
  static final String RAW_KEY_TOKEN =
      "01b67209506e4a323ca0bf560e16b9ae00d5fbf0b64bedbb6f8b13dd3734d576b631373030303033363030";

  final AuthTokenV2 deployed = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret("relay-secret"));

  @Test
  void secretIsHashedWithSha256() {
    assertArrayEquals(HEX.parseHex("e2ee0f71b8609552218a4d0cc72f57e0860fb488e8180514130f1f22d5a6571f"),
        RelayAuthSecret.fromSecret("relay-secret").hmacKey());
  }

  @Test
  void generatesTheDeployedVector() {
    byte[] token = deployed.generate(EXPIRY);
    assertEquals(43, token.length);
    assertEquals(DEPLOYED_TOKEN, HEX.formatHex(token));
  }

  @Test
  void generatesTheRawKeyVector() {
    AuthTokenV2 raw = AuthTokenV2.withSecret(new RelayAuthSecret("relay-secret".getBytes(StandardCharsets.UTF_8)));
    assertEquals(RAW_KEY_TOKEN, HEX.formatHex(raw.generate(EXPIRY)));
  }

  @Test
  void buildsTokenFromManagementFields() {
    byte[] token = fromManagementFields("1700003600", "t7DguSmrCWx0bD4Nt7F7pl5lyBHUmt0RIDCALyRmnvI=");
    assertEquals(DEPLOYED_TOKEN, HEX.formatHex(token));
  }

  @Test
  void acceptsTheDeployedVectorUpToAndIncludingTheExpirySecond() throws Exception {
    assertEquals(EXPIRY, deployed.validate(HEX.parseHex(DEPLOYED_TOKEN), EXPIRY - 3600));
    assertEquals(EXPIRY, deployed.validate(HEX.parseHex(DEPLOYED_TOKEN), EXPIRY));
  }

  @Test
  void rejectsOneSecondAfterExpiry() {
    assertReason(Reason.TOKEN_EXPIRED, deployed, HEX.parseHex(DEPLOYED_TOKEN), EXPIRY + 1);
  }

  @Test
  void rawKeyTokenIsNotAcceptedByAHashedSecret() {
    // RAW_KEY_TOKEN is signed with the raw secret: a relay configured with that secret must refuse it.
    assertReason(Reason.TOKEN_BAD_SIGNATURE, deployed, HEX.parseHex(RAW_KEY_TOKEN), EXPIRY);
  }

  @Test
  void rejectsOtherSecret() {
    AuthTokenV2 other = AuthTokenV2.withSecret(RelayAuthSecret.fromSecret("other-secret"));
    assertReason(Reason.TOKEN_BAD_SIGNATURE, other, HEX.parseHex(DEPLOYED_TOKEN), EXPIRY);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 20, 33, 40, 42})
  void rejectsAnyFlippedByte(int index) {
    byte[] token = HEX.parseHex(DEPLOYED_TOKEN);
    token[index] ^= 0x01;
    RelayProtocolException e = assertThrows(RelayProtocolException.class, () -> deployed.validate(token, EXPIRY));
    // Byte 0 changes the algorithm; payload bytes change the signed text.
    Reason expected = index == 0 ? Reason.TOKEN_UNSUPPORTED_ALGORITHM : Reason.TOKEN_BAD_SIGNATURE;
    assertEquals(expected, e.reason());
  }

  @Test
  void rejectsEmpty() {
    assertReason(Reason.TOKEN_EMPTY, deployed, new byte[0], EXPIRY);
  }

  @Test
  void rejectsTruncatedSignature() {
    assertReason(Reason.TOKEN_TRUNCATED, deployed, Arrays.copyOf(HEX.parseHex(DEPLOYED_TOKEN), 20), EXPIRY);
  }

  @Test
  void rejectsShortPayload() {
    assertReason(Reason.TOKEN_PAYLOAD_TOO_SHORT, deployed, deployed.generate(123_456_789L), 0);
  }

  @Test
  void unknownAlgorithmHasNoSignatureAndIsRejected() {
    byte[] token = ("\u0002" + "1700003600").getBytes(StandardCharsets.US_ASCII);
    assertReason(Reason.TOKEN_UNSUPPORTED_ALGORITHM, deployed, token, 0);
  }

  @Test
  void rejectsSignedButNonNumericPayload() {
    AuthTokenV2 signer = deployed;
    byte[] valid = signer.generate(EXPIRY);
    // Re-sign a non-numeric payload with the right key to reach the parse step.
    byte[] payload = " 1700003600".getBytes(StandardCharsets.US_ASCII);
    byte[] token = resign(payload);
    assertEquals(valid.length + 1, token.length);
    assertReason(Reason.TOKEN_MALFORMED_EXPIRY, signer, token, 0);
    assertReason(Reason.TOKEN_MALFORMED_EXPIRY, signer, resign("99999999999999999999".getBytes(StandardCharsets.US_ASCII)), 0);
    assertReason(Reason.TOKEN_MALFORMED_EXPIRY, signer, resign("17000036００".getBytes(StandardCharsets.UTF_8)), 0);
  }

  @Test
  void acceptsSignedPlusSignLikeGoParseInt() throws Exception {
    assertEquals(EXPIRY, deployed.validate(resign("+1700003600".getBytes(StandardCharsets.US_ASCII)), EXPIRY));
    assertReason(Reason.TOKEN_EXPIRED, deployed, resign("-1700003600".getBytes(StandardCharsets.US_ASCII)), 0);
  }

  @Test
  void withoutAMaximumLifetimeAnyFutureExpiryIsAcceptedAsInOpenzro() throws Exception {
    assertEquals(Long.MAX_VALUE, deployed.validate(deployed.generate(Long.MAX_VALUE), EXPIRY));
  }

  @Test
  void maximumLifetimeRefusesExpiriesFurtherAheadAndKeepsTheOtherRules() throws Exception {
    AuthTokenV2 bounded = deployed.withMaxLifetime(Duration.ofHours(72));
    long now = EXPIRY - 72 * 3600;
    // Exactly the maximum ahead, and the expiry second itself, are still accepted.
    assertEquals(EXPIRY, bounded.validate(HEX.parseHex(DEPLOYED_TOKEN), now));
    assertEquals(EXPIRY, bounded.validate(HEX.parseHex(DEPLOYED_TOKEN), EXPIRY));
    assertReason(Reason.TOKEN_LIFETIME_TOO_LONG, bounded, HEX.parseHex(DEPLOYED_TOKEN), now - 1);
    // Year 10^10, and the largest expiry there is (a distance that overflows from a negative now).
    assertReason(Reason.TOKEN_LIFETIME_TOO_LONG, bounded, deployed.generate(315_569_520_000_000_000L), EXPIRY);
    assertReason(Reason.TOKEN_LIFETIME_TOO_LONG, bounded, deployed.generate(Long.MAX_VALUE), -1);
    assertReason(Reason.TOKEN_EXPIRED, bounded, HEX.parseHex(DEPLOYED_TOKEN), EXPIRY + 1);
    assertReason(Reason.TOKEN_BAD_SIGNATURE, bounded, HEX.parseHex(RAW_KEY_TOKEN), EXPIRY);
    assertEquals("token_lifetime_too_long", Reason.TOKEN_LIFETIME_TOO_LONG.label());
  }

  @Test
  void rejectsEmptySecret() {
    assertThrows(IllegalArgumentException.class, () -> RelayAuthSecret.fromSecret(""));
  }

  @Test
  void secretNeverPrinted() {
    assertEquals("RelayAuthSecret[redacted]", RelayAuthSecret.fromSecret("relay-secret").toString());
  }

  private byte[] resign(byte[] payload) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(RelayAuthSecret.fromSecret("relay-secret").hmacKey(), "HmacSHA256"));
      byte[] sig = mac.doFinal(payload);
      byte[] token = new byte[1 + sig.length + payload.length];
      token[0] = 1;
      System.arraycopy(sig, 0, token, 1, sig.length);
      System.arraycopy(payload, 0, token, 1 + sig.length, payload.length);
      return token;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The binary token a client builds from management's RelayConfig: {@code tokenPayload} (the
   * decimal expiry) and {@code tokenSignature} (standard base64 of the HMAC), assembled as
   * algorithm 1, signature, payload (openzro client/internal/connect.go,
   * relay/auth/hmac/v2/token.go).
   */
  private static byte[] fromManagementFields(String tokenPayload, String tokenSignatureBase64) {
    byte[] signature = Base64.getDecoder().decode(tokenSignatureBase64);
    byte[] payload = tokenPayload.getBytes(StandardCharsets.US_ASCII);
    byte[] token = new byte[1 + signature.length + payload.length];
    token[0] = AuthTokenV2.ALGORITHM_HMAC_SHA256;
    System.arraycopy(signature, 0, token, 1, signature.length);
    System.arraycopy(payload, 0, token, 1 + signature.length, payload.length);
    return token;
  }

  private static void assertReason(Reason expected, AuthTokenV2 validator, byte[] token, long now) {
    RelayProtocolException e = assertThrows(RelayProtocolException.class, () -> validator.validate(token, now));
    assertEquals(expected, e.reason(), e.getMessage());
  }
}
