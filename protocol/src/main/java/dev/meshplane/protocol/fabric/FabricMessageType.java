package dev.meshplane.protocol.fabric;

import java.util.Optional;

/**
 * The fabric's message type byte, one constant per row of the type table in relay-fabric.md §3.
 *
 * <p>Codes are grouped in ranges reserved by the reference implementation, so a new type added
 * upstream lands in a predictable range. A received code that is not listed here is not an error:
 * {@link FabricFrame} keeps the raw byte and receivers skip the frame (§3, "anything else ...
 * silently ignored"), which is what keeps old and new pods able to talk.
 */
public enum FabricMessageType {

  // 0x00-0x0F: discovery and lookup.

  /** Handshake, first frame on every dialed stream, dialer to acceptor only (§4). */
  HELLO(0x00),
  /** "Which pod has this peer?" Broadcast on every live stream (§6.1). */
  WHO_HAS(0x01),
  /** "I have it", the only answer to WHO_HAS; there is no negative answer (§6.2). */
  I_HAVE(0x02),

  // 0x10-0x1F: channel lifecycle and data.

  /** Defined by the codec, never sent by openzro (§3, §12). */
  OPEN(0x10),
  /** Defined by the codec, never sent by openzro (§3, §12). */
  OPEN_ACK(0x11),
  /** Defined by the codec, never sent by openzro (§3, §12). */
  DATA(0x12),
  /** Defined by the codec, never sent by openzro (§3, §12). */
  CLOSE(0x13),
  /** Stateless forward of one relay message to the owning pod: the whole data plane (§7). */
  FWD(0x14),

  // 0x20-0x2F: health.

  /** Defined, never sent or answered by openzro; meshplane nodes answer it (§9, spec README). */
  PING(0x20),
  /** Answer to PING. */
  PONG(0x21),

  // 0xE0-0xEF: meshplane extensions. Sent only to remotes that answered a PING; openzro pods
  // skip unknown codes (§3), so a stray one costs nothing.

  /** "Not connected here": negative answer to WHO_HAS, and to a FWD for a peer that left. */
  NOT_HERE(0xE0),
  /** "This peer disconnected from me": drop cached entries pointing here. */
  PEER_LEFT(0xE1);

  private static final FabricMessageType[] BY_CODE = new FabricMessageType[256];

  static {
    for (FabricMessageType type : values()) {
      BY_CODE[type.code] = type;
    }
  }

  private final int code;

  FabricMessageType(int code) {
    this.code = code;
  }

  /** The type byte as an unsigned value, 0-255. */
  public int code() {
    return code;
  }

  /**
   * The type for a received byte, or empty when the code is not in the table (or not a byte at
   * all). Empty means "skip this frame", not "fail".
   */
  public static Optional<FabricMessageType> fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      return Optional.empty();
    }
    return Optional.ofNullable(BY_CODE[code]);
  }

  /** Name for logs: the constant name when known, otherwise the code as hex such as {@code 0x7f}. */
  public static String describe(int code) {
    return fromCode(code).map(Enum::name).orElseGet(() -> String.format("0x%02x", code));
  }
}
