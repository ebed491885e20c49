package dev.meshplane.protocol.fabric;

import java.util.Optional;

/**
 * The fabric's message type byte: the type table of openzro {@code relay/server/cluster/frame.go}
 * (MsgType), with its ranges, plus meshplane's two extensions.
 *
 * <pre>
 *  code  name       payload                                      sent by
 *  0x00-0x0F: control, discovery / lookup
 *  0x00  HELLO      see HelloV2                                  dialer, as its first frame
 *  0x01  WHO_HAS    peer ID (36)                                 openzro and meshplane
 *  0x02  I_HAVE     peer ID (36) | seqno u32 (4)                 openzro and meshplane
 *  0x10-0x1F: channel lifecycle and data
 *  0x10  OPEN       src ID (36) | dst ID (36) | channel u32 (4)  nobody
 *  0x11  OPEN_ACK   channel u32 (4) | status u8 (1)              nobody
 *  0x12  DATA       channel u32 (4) | opaque bytes               nobody
 *  0x13  CLOSE      channel u32 (4)                              nobody
 *  0x14  FWD        dst ID (36) | relay message                  openzro and meshplane
 *  0x20-0x2F: health
 *  0x20  PING       empty                                        meshplane
 *  0x21  PONG       empty                                        meshplane
 *  0xE0-0xEF: meshplane extensions (docs/relay.md#the-fabric-between-relay-nodes)
 *  0xE0  NOT_HERE   peer ID (36)                                 meshplane, to meshplane nodes
 *  0xE1  PEER_LEFT  peer ID (36)                                 meshplane, to meshplane nodes
 *  0xE2  CHALLENGE  nonce (32)                                   meshplane, to a remote that spoke PING/PONG
 *  0xE3  PROOF      HMAC-SHA256 (32), see StreamProof            meshplane, in answer to CHALLENGE
 * </pre>
 *
 * <p>OPEN, OPEN_ACK (status 0 = reject, 1 = accept), DATA and CLOSE belong to a per-channel design
 * that openzro never wired up: its codec defines them ({@code relay/server/cluster/messages.go},
 * EncodeOpen to DecodeClose), nothing sends them, and its frame router ignores them ({@code
 * relay/server/clusterboot.go}, clusterFrameRouter). They have no constant here: a received one is
 * a code this enum does not list, which is not an error. {@link FabricFrame} keeps the raw byte and
 * receivers skip the frame, exactly as they skip any code added upstream later, which is what keeps
 * old and new nodes able to talk.
 */
public enum FabricMessageType {

  // 0x00-0x0F: control, discovery / lookup.

  /** Handshake, first frame on every dialed stream, dialer to acceptor only. */
  HELLO(0x00),
  /** "Which node has this peer?" Broadcast on every live stream. */
  WHO_HAS(0x01),
  /** "I have it", openzro's only answer to WHO_HAS; it has no negative answer. */
  I_HAVE(0x02),

  // 0x10-0x1F: channel lifecycle and data; 0x10-0x13 are listed in the table above only.

  /** Stateless forward of one relay message to the owning node: the whole data plane. */
  FWD(0x14),

  // 0x20-0x2F: health.

  /** Defined by openzro, never sent or answered there; meshplane nodes answer it. */
  PING(0x20),
  /** Answer to PING. */
  PONG(0x21),

  // 0xE0-0xEF: meshplane extensions. Sent only to remotes that answered a PING; openzro pods
  // skip unknown codes, so a stray one costs nothing.

  /** "Not connected here": negative answer to WHO_HAS, and to a FWD for a peer that left. */
  NOT_HERE(0xE0),
  /** "This peer disconnected from me": drop cached entries pointing here. */
  PEER_LEFT(0xE1),
  /** "Prove you hold the fabric secret": a fresh nonce the answer must cover. */
  CHALLENGE(0xE2),
  /** The answer to a CHALLENGE: a MAC over the nonce, bound to this stream (StreamProof). */
  PROOF(0xE3);

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
