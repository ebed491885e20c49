package dev.meshplane.protocol.fabric;

import dev.meshplane.protocol.relay.PeerId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Golden bytes, as hex: what openzro's encoders produce for these inputs (relay/messages/id.go,
 * HashID for the peer IDs; relay/server/cluster/messages.go, EncodeHello, EncodeWhoHas and
 * EncodeIHave, framed by relay/server/cluster/frame.go, WriteFrame). Written out rather than
 * computed, so a test against them cannot share a misreading with the codec.
 */
final class FabricVectors {

  static final byte[] PID_A_RAW = hex("7368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe");
  static final byte[] PID_B_RAW = hex("7368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a");
  static final PeerId PID_A = PeerId.fromBytes(PID_A_RAW);
  static final PeerId PID_B = PeerId.fromBytes(PID_B_RAW);

  // HELLO inputs: announce address, Unix seconds and cluster secret.
  static final String HELLO_ADDRESS = "10.0.0.1:7090";
  static final long HELLO_UNIX = 1_700_000_000L;
  static final byte[] CLUSTER_SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final byte[] NO_SECRET = new byte[0];

  static final byte[] HELLO_BODY = hex("020d31302e302e302e313a37303930000000006553f100");
  static final byte[] HELLO_HMAC = hex("9dd26cff1ee63ca2a356da6466492383d37befed51332662bf6f80f350fafd5a");

  // Signed HELLO.
  static final byte[] HELLO_SIGNED_PAYLOAD = hex(
      "020d31302e302e302e313a37303930000000006553f100209dd26cff1ee63ca2a356da6466492383d37befed51332662bf6f80f350fafd5a");
  static final byte[] HELLO_SIGNED_FRAME = hex(
      "000038020d31302e302e302e313a37303930000000006553f100209dd26cff1ee63ca2a356da6466492383d37befed51332662bf6f80f350fafd5a");

  // Unsigned HELLO (empty secret).
  static final byte[] HELLO_UNSIGNED_PAYLOAD = hex("020d31302e302e302e313a37303930000000006553f10000");
  static final byte[] HELLO_UNSIGNED_FRAME = hex("000018020d31302e302e302e313a37303930000000006553f10000");

  // WHO_HAS(peer-a), I_HAVE(peer-a, seqno 42).
  static final byte[] WHO_HAS_A_FRAME = hex(
      "0100247368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe");
  static final byte[] I_HAVE_A_42_FRAME = hex(
      "0200287368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe0000002a");

  // FWD to peer-a of the literal 5-byte body "hello".
  static final byte[] FWD_HELLO_FRAME = hex(
      "1400297368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe68656c6c6f");

  // FWD to peer-a as a relay sends it: the transport message from peer-b, slot already holding the source.
  static final byte[] EMBEDDED_TRANSPORT = hex(
      "01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a68656c6c6f");
  static final byte[] FWD_TRANSPORT_FRAME = hex(
      "14004f7368612dbdb94c73d53c44023a715a2970a10c4d54fa9550b70fd9d34cc4b0a2de5ddcbe"
          + "01037368612d02f95dcab675d8f7fdd23cdfdc05e684fc20dd4708fa3b491df6e9065ba9be4a68656c6c6f");

  private FabricVectors() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static Clock clockAt(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  /** A receiver whose clock reads exactly the vector's timestamp. */
  static Clock helloClock() {
    return clockAt(Instant.ofEpochSecond(HELLO_UNIX));
  }
}
