package dev.meshplane.protocol.fabric;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * HELLO v2, the first frame a dialer writes on every fabric stream (openzro
 * relay/server/cluster/messages.go, EncodeHello and DecodeHello). The acceptor never answers; it
 * validates and either registers the stream under {@link #address()} or closes it silently.
 *
 * <pre>
 *  offset  size      field
 *  0       1         version = 0x02
 *  1       1         addr_len A (0-255)
 *  2       A         announce address, UTF-8 "host:port"
 *  2+A     8         timestamp, Unix seconds, uint64 BE
 *  10+A    1         hmac_len: 0x00 (unsigned) or 0x20
 *  11+A    hmac_len  HMAC-SHA256(secret, payload[0, 10+A))
 * </pre>
 *
 * The MAC covers everything before the hmac_len byte. Bytes after the MAC are ignored.
 *
 * @param address     announce address, {@code host:port} (see {@link #joinHostPort(String, int)})
 * @param unixSeconds sender's wall clock in Unix seconds; a uint64 on the wire
 */
public record HelloV2(String address, long unixSeconds) implements FabricMessage {

  /** openzro's helloVersionV2; pins the layout so a later version needs no flag day. */
  public static final int VERSION = 2;

  /** addr_len is one byte (openzro's MaxHelloAddressLen). */
  public static final int MAX_ADDRESS_LENGTH = 255;

  /** version + addr_len + timestamp + hmac_len, i.e. an unsigned HELLO with an empty address. */
  private static final int FIXED_SIZE = 11;

  public HelloV2 {
    // The 255-byte limit is enforced by encode(), not here: a received address that is not
    // valid UTF-8 decodes to replacement characters and may re-encode longer than it arrived.
    Objects.requireNonNull(address, "address");
  }

  /** A HELLO stamped with the clock's current second (floor, like Go's {@code time.Now().Unix()}). */
  public static HelloV2 now(String address, Clock clock) {
    return new HelloV2(address, clock.instant().getEpochSecond());
  }

  /**
   * Formats the announce address the way openzro does ({@code net.JoinHostPort} in
   * relay/server/clusterboot.go): IPv6 literals get brackets, so the result is also the key the
   * acceptor files the stream under.
   */
  public static String joinHostPort(String host, int port) {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  /**
   * Builds the HELLO frame; signed iff {@code secret} is non-empty. An empty secret sends
   * an unsigned HELLO, which only peers without a secret accept.
   *
   * @param secret the configured cluster secret's UTF-8 bytes, used as-is; empty for none
   * @throws FabricProtocolException {@code ADDRESS_TOO_LONG} if the address is over 255 UTF-8 bytes
   */
  public FabricFrame encode(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    byte[] addressBytes = address.getBytes(StandardCharsets.UTF_8);
    int a = addressBytes.length;
    if (a > MAX_ADDRESS_LENGTH) {
      throw new FabricProtocolException(FabricProtocolException.Reason.ADDRESS_TOO_LONG,
          "announce address is " + a + " bytes, max " + MAX_ADDRESS_LENGTH);
    }
    int macLength = secret.length == 0 ? 0 : HelloAuth.MAC_SIZE;
    byte[] payload = new byte[FIXED_SIZE + a + macLength];
    payload[0] = VERSION;
    payload[1] = (byte) a;
    System.arraycopy(addressBytes, 0, payload, 2, a);
    Wire.putUint64(payload, 2 + a, unixSeconds);
    payload[10 + a] = (byte) macLength;
    if (macLength > 0) {
      byte[] mac = HelloAuth.hmacSha256(secret, payload, 0, 10 + a);
      System.arraycopy(mac, 0, payload, 11 + a, macLength);
    }
    return FabricFrame.of(FabricMessageType.HELLO, payload);
  }

  /**
   * Validates the first frame of an accepted stream, running openzro's checks in openzro's order
   * (relay/server/cluster/transport.go, handleAccepted, then DecodeHello), the order in which
   * {@link FabricProtocolException.Reason} lists them. The order decides the reject label, e.g. a
   * stale forged HELLO is {@code stale_timestamp}, not {@code hmac_mismatch}.
   *
   * @param frame  the first frame read from the stream
   * @param secret the local cluster secret's UTF-8 bytes; empty for none
   * @param clock  receiver's clock for the replay window
   * @throws FabricProtocolException with a reason whose {@link
   *                                 FabricProtocolException.Reason#helloRejectReason()} is the
   *                                 label to count
   */
  public static HelloV2 decode(FabricFrame frame, byte[] secret, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    // HELLO is only ever decoded as the first frame; later HELLOs are skipped.
    if (!frame.is(FabricMessageType.HELLO)) {
      throw reject(FabricProtocolException.Reason.FIRST_FRAME_NOT_HELLO,
          "first frame is " + FabricMessageType.describe(frame.typeCode()));
    }
    byte[] p = frame.payloadArray();
    if (p.length < FIXED_SIZE) {
      throw reject(FabricProtocolException.Reason.HELLO_TOO_SHORT,
          "payload is " + p.length + " bytes, want at least " + FIXED_SIZE);
    }
    int version = p[0] & 0xFF;
    if (version != VERSION) {
      throw reject(FabricProtocolException.Reason.HELLO_BAD_VERSION, "version " + version);
    }
    int a = p[1] & 0xFF;
    if (p.length < 2 + a + 8 + 1) {
      throw reject(FabricProtocolException.Reason.HELLO_TRUNCATED_ADDRESS,
          "payload is " + p.length + " bytes, addr_len " + a + " needs " + (2 + a + 8 + 1));
    }
    // The timestamp deliberately comes before the MAC, as in openzro; that is why a stale
    // forged HELLO counts as stale_timestamp rather than hmac_mismatch.
    long timestamp = Wire.getUint64(p, 2 + a);
    if (!HelloAuth.withinReplayWindow(timestamp, clock)) {
      throw reject(FabricProtocolException.Reason.HELLO_STALE_TIMESTAMP,
          "timestamp " + Long.toUnsignedString(timestamp) + " outside ±" + HelloAuth.REPLAY_WINDOW
              + " of " + clock.instant());
    }
    int macLength = p[10 + a] & 0xFF;
    if (p.length < FIXED_SIZE + a + macLength) {
      throw reject(FabricProtocolException.Reason.HELLO_TRUNCATED_MAC,
          "payload is " + p.length + " bytes, hmac_len " + macLength + " needs " + (FIXED_SIZE + a + macLength));
    }
    if (secret.length > 0) {
      if (macLength == 0) {
        throw reject(FabricProtocolException.Reason.HELLO_UNSIGNED_BUT_REQUIRED,
            "unsigned HELLO but a cluster secret is configured");
      }
      if (macLength != HelloAuth.MAC_SIZE) {
        throw reject(FabricProtocolException.Reason.HELLO_BAD_MAC_LENGTH, "hmac_len " + macLength);
      }
      byte[] expected = HelloAuth.hmacSha256(secret, p, 0, 10 + a);
      byte[] actual = Arrays.copyOfRange(p, FIXED_SIZE + a, FIXED_SIZE + a + macLength);
      if (!HelloAuth.macEquals(expected, actual)) {
        throw reject(FabricProtocolException.Reason.HELLO_MAC_MISMATCH, "HMAC does not match");
      }
    } else if (macLength != 0) {
      throw reject(FabricProtocolException.Reason.HELLO_SIGNED_BUT_UNSUPPORTED,
          "signed HELLO but no cluster secret is configured");
    }
    // openzro reads the address as a Go string, which takes any bytes; decoding leniently
    // keeps us from rejecting what it accepts.
    String address = new String(p, 2, a, StandardCharsets.UTF_8);
    return new HelloV2(address, timestamp);
  }

  private static FabricProtocolException reject(FabricProtocolException.Reason reason, String message) {
    return new FabricProtocolException(reason, "HELLO rejected: " + message);
  }
}
