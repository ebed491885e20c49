package dev.meshplane.protocol.relay;

/**
 * Wire constants of the relay peer protocol, from openzro {@code relay/messages/message.go} unless
 * a value says otherwise.
 */
public final class RelayProtocolLimits {

  /** The only accepted protocol version byte; anything else closes the connection (ValidateVersion). */
  public static final byte VERSION = 0x01;

  /** Every message starts with version and type. */
  public static final int HEADER_SIZE = 2;

  /** Magic carried by Hello and Auth right after the header (magicHeader). */
  static final byte[] MAGIC = {0x21, 0x12, (byte) 0xA4, 0x42};

  /** Size of {@link #MAGIC}. */
  public static final int MAGIC_SIZE = 4;

  /** Header + magic + peer ID: the smallest valid Auth or Hello. */
  public static final int MIN_HANDSHAKE_SIZE = HEADER_SIZE + MAGIC_SIZE + PeerId.SIZE;

  /** Go's {@code MaxHandshakeSize}: the server reads the first message into a 212-byte buffer. */
  public static final int MAX_HANDSHAKE_SIZE = 212;

  /** Go's {@code MaxHandshakeRespSize}: the client's buffer for the AuthResponse. */
  public static final int MAX_AUTH_RESPONSE_SIZE = 8192;

  /** Go's {@code MaxMessageSize}: read buffer of both server and client after the handshake. */
  public static final int MAX_MESSAGE_SIZE = 8820;

  /** Header + the 36-byte peer-ID slot that precedes a transport payload. */
  public static final int TRANSPORT_HEADER_SIZE = HEADER_SIZE + PeerId.SIZE;

  /** Largest transport payload a peer can receive in one message. */
  public static final int MAX_TRANSPORT_PAYLOAD = MAX_MESSAGE_SIZE - TRANSPORT_HEADER_SIZE;

  /** ⌊(8820 − 2) / 36⌋: senders split longer peer-state lists (relay/messages/peer_state.go). */
  public static final int MAX_PEERS_PER_STATE_MESSAGE = (MAX_MESSAGE_SIZE - HEADER_SIZE) / PeerId.SIZE;

  private RelayProtocolLimits() {}
}
