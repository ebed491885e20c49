package dev.meshplane.protocol.relay;

import static dev.meshplane.protocol.relay.RelayProtocolLimits.HEADER_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.MAGIC;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.MAGIC_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.MAX_AUTH_RESPONSE_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.MAX_HANDSHAKE_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.MAX_MESSAGE_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.MAX_PEERS_PER_STATE_MESSAGE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.MIN_HANDSHAKE_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.TRANSPORT_HEADER_SIZE;
import static dev.meshplane.protocol.relay.RelayProtocolLimits.VERSION;

import dev.meshplane.protocol.relay.RelayMessage.Auth;
import dev.meshplane.protocol.relay.RelayMessage.AuthResponse;
import dev.meshplane.protocol.relay.RelayMessage.Close;
import dev.meshplane.protocol.relay.RelayMessage.HealthCheck;
import dev.meshplane.protocol.relay.RelayMessage.Hello;
import dev.meshplane.protocol.relay.RelayMessage.HelloResponse;
import dev.meshplane.protocol.relay.RelayMessage.PeerStateMessage;
import dev.meshplane.protocol.relay.RelayMessage.PeersOnline;
import dev.meshplane.protocol.relay.RelayMessage.PeersWentOffline;
import dev.meshplane.protocol.relay.RelayMessage.SubscribePeerState;
import dev.meshplane.protocol.relay.RelayMessage.Transport;
import dev.meshplane.protocol.relay.RelayMessage.UnsubscribePeerState;
import dev.meshplane.protocol.relay.RelayProtocolException.Reason;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encoder and decoder for the relay peer protocol: one relay message = one binary WebSocket message
 * (openzro {@code relay/messages/message.go}, the Marshal and Unmarshal functions). Pure functions
 * over {@code byte[]}; no state, safe from any thread.
 *
 * <pre>
 *  0        1        2 ...
 * +--------+--------+-------------------------------------------+
 * | 0x01   | type   | body, layout per type                     |
 * +--------+--------+-------------------------------------------+
 *  Auth/Hello     : magic 21 12 A4 42 | peer ID (36) | token / gob additions
 *  AuthResponse   : instance URL (UTF-8, rest of message)
 *  Transport      : peer ID slot (36) | payload (0..8782)
 *  Close, Health  : nothing (exactly 2 bytes)
 *  peer-state 8-11: k × peer ID (36), no count field
 * </pre>
 */
public final class RelayMessageCodec {

  private static final byte[] CLOSE_BYTES = {VERSION, (byte) RelayMessageType.CLOSE.code()};
  private static final byte[] HEALTH_CHECK_BYTES = {VERSION, (byte) RelayMessageType.HEALTH_CHECK.code()};

  private RelayMessageCodec() {}

  // ---------------------------------------------------------------- encode

  /**
   * The wire bytes of one message.
   *
   * @throws IllegalArgumentException if the message cannot be written as one valid message: an
   *     empty or over-long peer list, an empty or over-long instance URL, a handshake over 212
   *     bytes or a transport payload over 8782 bytes ({@link RelayProtocolLimits})
   */
  public static byte[] encode(RelayMessage message) {
    if (message instanceof Auth auth) {
      return encodeHandshake(RelayMessageType.AUTH, auth.peerId(), auth.token());
    } else if (message instanceof Hello hello) {
      return encodeHandshake(RelayMessageType.HELLO, hello.peerId(), hello.additions());
    } else if (message instanceof AuthResponse response) {
      return encodeAuthResponse(response);
    } else if (message instanceof HelloResponse response) {
      return withHeader(RelayMessageType.HELLO_RESPONSE, response.body());
    } else if (message instanceof Transport transport) {
      return encodeTransport(transport.peerId(), transport.payload());
    } else if (message instanceof PeerStateMessage state) {
      return encodePeerState(state.type(), state.peerIds());
    } else if (message == Close.INSTANCE) {
      return CLOSE_BYTES.clone();
    } else if (message == HealthCheck.INSTANCE) {
      return HEALTH_CHECK_BYTES.clone();
    }
    throw new IllegalArgumentException("no encoder for " + message);
  }

  /** Transport bytes without building a record first: the per-packet path of senders. */
  public static byte[] encodeTransport(PeerId peerId, byte[] payload) {
    if (payload.length > RelayProtocolLimits.MAX_TRANSPORT_PAYLOAD) {
      throw new IllegalArgumentException("transport payload of " + payload.length
          + " bytes exceeds " + RelayProtocolLimits.MAX_TRANSPORT_PAYLOAD);
    }
    byte[] out = new byte[TRANSPORT_HEADER_SIZE + payload.length];
    out[0] = VERSION;
    out[1] = (byte) RelayMessageType.TRANSPORT.code();
    peerId.writeTo(out, HEADER_SIZE);
    System.arraycopy(payload, 0, out, TRANSPORT_HEADER_SIZE, payload.length);
    return out;
  }

  /**
   * Peer-state messages for any number of IDs, split at 244 IDs per message as the Go senders do
   * (openzro relay/messages/peer_state.go, marshalPeerIDs). An empty list gives no messages, since
   * marshallers never send k = 0.
   */
  public static List<byte[]> encodePeerStateChunks(RelayMessageType type, List<PeerId> peerIds) {
    List<byte[]> chunks = new ArrayList<>();
    for (int from = 0; from < peerIds.size(); from += MAX_PEERS_PER_STATE_MESSAGE) {
      int to = Math.min(peerIds.size(), from + MAX_PEERS_PER_STATE_MESSAGE);
      chunks.add(encodePeerState(type, peerIds.subList(from, to)));
    }
    return chunks;
  }

  // ---------------------------------------------------------------- decode

  /**
   * Reads and checks the 2-byte header only. A server uses this first because header errors close
   * the connection while body errors of some types only drop the message (openzro
   * relay/server/peer.go).
   *
   * @throws RelayProtocolException EMPTY, TRUNCATED (1 byte), BAD_VERSION or UNKNOWN_TYPE
   */
  public static RelayMessageType readType(byte[] message) {
    if (message.length == 0) {
      throw new RelayProtocolException(Reason.EMPTY, "zero-length message");
    }
    if (message[0] != VERSION) {
      throw new RelayProtocolException(Reason.BAD_VERSION, String.format("version 0x%02x", message[0] & 0xff));
    }
    if (message.length < HEADER_SIZE) {
      throw new RelayProtocolException(Reason.TRUNCATED, "no type byte");
    }
    return RelayMessageType.fromCode(message[1] & 0xff);
  }

  /**
   * Decodes the first message of a connection, which must be an Auth (openzro
   * relay/server/handshake.go, handshakeReceive). A Hello is parsed and
   * then refused with {@link Reason#LEGACY_HELLO_UNSUPPORTED}; the token is not validated here.
   */
  public static Auth decodeHandshake(byte[] message) {
    if (message.length > MAX_HANDSHAKE_SIZE) {
      throw new RelayProtocolException(Reason.OVERSIZE,
          "handshake of " + message.length + " bytes exceeds " + MAX_HANDSHAKE_SIZE);
    }
    RelayMessageType type = readType(message);
    if (type == RelayMessageType.AUTH) {
      return decodeAuth(message);
    }
    if (type == RelayMessageType.HELLO) {
      Hello hello = decodeHello(message);
      throw new RelayProtocolException(Reason.LEGACY_HELLO_UNSUPPORTED,
          "legacy Hello handshake from " + hello.peerId() + " (needs Go gob; use Auth)");
    }
    throw new RelayProtocolException(Reason.UNEXPECTED_TYPE, type + " as first message, expected AUTH");
  }

  /**
   * Decodes any message of the protocol, in either direction. Size limits: 212 bytes for Hello and
   * Auth, 8192 for AuthResponse, 8820 for everything else ({@link RelayProtocolLimits}).
   */
  public static RelayMessage decode(byte[] message) {
    RelayMessageType type = readType(message);
    int limit = switch (type) {
      case HELLO, AUTH -> MAX_HANDSHAKE_SIZE;
      case AUTH_RESPONSE -> MAX_AUTH_RESPONSE_SIZE;
      default -> MAX_MESSAGE_SIZE;
    };
    if (message.length > limit) {
      throw new RelayProtocolException(Reason.OVERSIZE, type + " of " + message.length + " bytes exceeds " + limit);
    }
    return switch (type) {
      case HELLO -> decodeHello(message);
      case HELLO_RESPONSE -> new HelloResponse(Arrays.copyOfRange(message, HEADER_SIZE, message.length));
      case AUTH -> decodeAuth(message);
      case AUTH_RESPONSE -> decodeAuthResponse(message);
      case TRANSPORT -> decodeTransport(message);
      case CLOSE -> decodeBare(message, Close.INSTANCE);
      case HEALTH_CHECK -> decodeBare(message, HealthCheck.INSTANCE);
      case SUBSCRIBE_PEER_STATE -> new SubscribePeerState(decodePeerIds(message));
      case UNSUBSCRIBE_PEER_STATE -> new UnsubscribePeerState(decodePeerIds(message));
      case PEERS_ONLINE -> new PeersOnline(decodePeerIds(message));
      case PEERS_WENT_OFFLINE -> new PeersWentOffline(decodePeerIds(message));
      // readType never returns UNKNOWN; kept so the switch stays exhaustive without a default.
      case UNKNOWN -> throw new RelayProtocolException(Reason.UNKNOWN_TYPE, "type 0x00");
    };
  }

  // ---------------------------------------------------------------- layouts

  private static byte[] encodeHandshake(RelayMessageType type, PeerId peerId, byte[] tail) {
    int size = MIN_HANDSHAKE_SIZE + tail.length;
    if (size > MAX_HANDSHAKE_SIZE) {
      throw new IllegalArgumentException(type + " of " + size + " bytes exceeds " + MAX_HANDSHAKE_SIZE);
    }
    byte[] out = new byte[size];
    out[0] = VERSION;
    out[1] = (byte) type.code();
    System.arraycopy(MAGIC, 0, out, HEADER_SIZE, MAGIC_SIZE);
    peerId.writeTo(out, HEADER_SIZE + MAGIC_SIZE);
    System.arraycopy(tail, 0, out, MIN_HANDSHAKE_SIZE, tail.length);
    return out;
  }

  private static byte[] encodeAuthResponse(AuthResponse response) {
    byte[] url = response.instanceUrlBytes();
    if (url.length == 0) {
      throw new IllegalArgumentException("instance URL is empty; the Go client rejects it");
    }
    if (HEADER_SIZE + url.length > MAX_AUTH_RESPONSE_SIZE) {
      throw new IllegalArgumentException("instance URL of " + url.length + " bytes makes the AuthResponse exceed "
          + MAX_AUTH_RESPONSE_SIZE);
    }
    return withHeader(RelayMessageType.AUTH_RESPONSE, url);
  }

  private static byte[] encodePeerState(RelayMessageType type, List<PeerId> peerIds) {
    if (peerIds.isEmpty()) {
      throw new IllegalArgumentException(type + " with no peer IDs; the Go marshaller refuses empty lists");
    }
    if (peerIds.size() > MAX_PEERS_PER_STATE_MESSAGE) {
      throw new IllegalArgumentException(type + " with " + peerIds.size() + " IDs exceeds "
          + MAX_PEERS_PER_STATE_MESSAGE + "; use encodePeerStateChunks");
    }
    byte[] out = new byte[HEADER_SIZE + PeerId.SIZE * peerIds.size()];
    out[0] = VERSION;
    out[1] = (byte) type.code();
    int offset = HEADER_SIZE;
    for (PeerId id : peerIds) {
      id.writeTo(out, offset);
      offset += PeerId.SIZE;
    }
    return out;
  }

  private static byte[] withHeader(RelayMessageType type, byte[] body) {
    byte[] out = new byte[HEADER_SIZE + body.length];
    out[0] = VERSION;
    out[1] = (byte) type.code();
    System.arraycopy(body, 0, out, HEADER_SIZE, body.length);
    return out;
  }

  private static void checkHandshakePrefix(byte[] message) {
    if (message.length < MIN_HANDSHAKE_SIZE) {
      throw new RelayProtocolException(Reason.TRUNCATED,
          "handshake of " + message.length + " bytes, minimum " + MIN_HANDSHAKE_SIZE);
    }
    if (!Arrays.equals(message, HEADER_SIZE, HEADER_SIZE + MAGIC_SIZE, MAGIC, 0, MAGIC_SIZE)) {
      throw new RelayProtocolException(Reason.BAD_MAGIC, "bytes 2..5 are not 21 12 a4 42");
    }
  }

  private static Auth decodeAuth(byte[] message) {
    checkHandshakePrefix(message);
    PeerId peerId = PeerId.readFrom(message, HEADER_SIZE + MAGIC_SIZE);
    return new Auth(peerId, Arrays.copyOfRange(message, MIN_HANDSHAKE_SIZE, message.length));
  }

  private static Hello decodeHello(byte[] message) {
    checkHandshakePrefix(message);
    PeerId peerId = PeerId.readFrom(message, HEADER_SIZE + MAGIC_SIZE);
    return new Hello(peerId, Arrays.copyOfRange(message, MIN_HANDSHAKE_SIZE, message.length));
  }

  private static AuthResponse decodeAuthResponse(byte[] message) {
    if (message.length == HEADER_SIZE) {
      throw new RelayProtocolException(Reason.EMPTY_URL, "AuthResponse without instance URL");
    }
    try {
      String url = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(message, HEADER_SIZE, message.length - HEADER_SIZE))
          .toString();
      return new AuthResponse(url);
    } catch (CharacterCodingException e) {
      throw new RelayProtocolException(Reason.BAD_LENGTH, "instance URL is not valid UTF-8");
    }
  }

  private static Transport decodeTransport(byte[] message) {
    if (message.length < TRANSPORT_HEADER_SIZE) {
      throw new RelayProtocolException(Reason.TRUNCATED,
          "transport of " + message.length + " bytes, minimum " + TRANSPORT_HEADER_SIZE);
    }
    PeerId peerId = PeerId.readFrom(message, HEADER_SIZE);
    return new Transport(peerId, Arrays.copyOfRange(message, TRANSPORT_HEADER_SIZE, message.length));
  }

  private static RelayMessage decodeBare(byte[] message, RelayMessage singleton) {
    if (message.length != HEADER_SIZE) {
      throw new RelayProtocolException(Reason.BAD_LENGTH,
          singleton.type() + " is exactly 2 bytes, got " + message.length);
    }
    return singleton;
  }

  private static List<PeerId> decodePeerIds(byte[] message) {
    int body = message.length - HEADER_SIZE;
    if (body % PeerId.SIZE != 0) {
      throw new RelayProtocolException(Reason.BAD_LENGTH,
          "peer list of " + body + " bytes is not a multiple of " + PeerId.SIZE);
    }
    List<PeerId> ids = new ArrayList<>(body / PeerId.SIZE);
    for (int offset = HEADER_SIZE; offset < message.length; offset += PeerId.SIZE) {
      ids.add(PeerId.readFrom(message, offset));
    }
    return ids;
  }
}
