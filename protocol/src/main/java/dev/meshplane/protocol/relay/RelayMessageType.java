package dev.meshplane.protocol.relay;

import dev.meshplane.protocol.relay.RelayProtocolException.Reason;

/**
 * The message-type registry of the relay peer protocol, one-to-one with openzro's table
 * ({@code relay/messages/message.go}, MsgType).
 *
 * <pre>
 *  code  name                   direction  note
 *   0    UNKNOWN                -          never valid on the wire
 *   1    HELLO                  C→S        deprecated handshake
 *   2    HELLO_RESPONSE         S→C        deprecated reply to Hello
 *   3    TRANSPORT              both       peer data
 *   4    CLOSE                  both       graceful close
 *   5    HEALTH_CHECK           both       server ping, client echo
 *   6    AUTH                   C→S        current handshake
 *   7    AUTH_RESPONSE          S→C        handshake success + instance URL
 *   8    SUBSCRIBE_PEER_STATE   C→S        watch peers
 *   9    UNSUBSCRIBE_PEER_STATE C→S        stop watching
 *  10    PEERS_ONLINE           S→C        watched peers that are online
 *  11    PEERS_WENT_OFFLINE     S→C        watched peers that left
 * </pre>
 */
public enum RelayMessageType {
  UNKNOWN(0),
  HELLO(1),
  HELLO_RESPONSE(2),
  TRANSPORT(3),
  CLOSE(4),
  HEALTH_CHECK(5),
  AUTH(6),
  AUTH_RESPONSE(7),
  SUBSCRIBE_PEER_STATE(8),
  UNSUBSCRIBE_PEER_STATE(9),
  PEERS_ONLINE(10),
  PEERS_WENT_OFFLINE(11);

  private static final RelayMessageType[] BY_CODE = values();

  private final int code;

  RelayMessageType(int code) {
    this.code = code;
  }

  /** The type byte on the wire. */
  public int code() {
    return code;
  }

  /**
   * The type for a wire byte (0..255). Code 0 is rejected too: openzro never sends it and its
   * servers refuse it (DetermineClientMessageType).
   *
   * @throws RelayProtocolException {@link Reason#UNKNOWN_TYPE} for 0 and anything above 11
   */
  public static RelayMessageType fromCode(int code) {
    if (code <= 0 || code >= BY_CODE.length) {
      throw new RelayProtocolException(Reason.UNKNOWN_TYPE, String.format("type 0x%02x", code & 0xff));
    }
    return BY_CODE[code];
  }

  /**
   * Whether the server accepts this type from an authenticated client: 1, 3, 4, 5, 6, 8, 9, as
   * openzro's DetermineClientMessageType; a repeated Hello or Auth is accepted and ignored
   * (relay/server/peer.go, handleMsgType). Anything else closes the connection.
   */
  public boolean acceptedFromClientAfterHandshake() {
    return switch (this) {
      case HELLO, TRANSPORT, CLOSE, HEALTH_CHECK, AUTH, SUBSCRIBE_PEER_STATE, UNSUBSCRIBE_PEER_STATE -> true;
      default -> false;
    };
  }
}
