package dev.meshplane.protocol.relay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One decoded relay peer-protocol message (openzro {@code relay/messages}). Each record mirrors one
 * layout; {@link RelayMessageCodec} turns them into bytes and back. Records holding {@code byte[]}
 * compare by content so that round-trip tests and logs behave like values.
 */
public sealed interface RelayMessage {

  /** The type byte this message is written with. */
  RelayMessageType type();

  /**
   * Deprecated handshake (type 1). Only decoded so that it can be rejected with a clear
   * reason; {@code additions} is the undecoded Go-gob tail starting at offset 42.
   */
  record Hello(PeerId peerId, byte[] additions) implements RelayMessage {
    public Hello {
      Objects.requireNonNull(peerId, "peerId");
      additions = additions.clone();
    }

    @Override
    public byte[] additions() {
      return additions.clone();
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.HELLO;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hello h && peerId.equals(h.peerId) && Arrays.equals(additions, h.additions);
    }

    @Override
    public int hashCode() {
      return 31 * peerId.hashCode() + Arrays.hashCode(additions);
    }

    @Override
    public String toString() {
      return "Hello[peerId=" + peerId + ", additions=" + additions.length + " bytes]";
    }
  }

  /** Deprecated reply to Hello (type 2): an undecoded Go-gob body. Never sent by meshplane. */
  record HelloResponse(byte[] body) implements RelayMessage {
    public HelloResponse {
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.HELLO_RESPONSE;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HelloResponse r && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(body);
    }

    @Override
    public String toString() {
      return "HelloResponse[" + body.length + " bytes]";
    }
  }

  /** Handshake (type 6): the sender's ID and its auth payload (a v2 token, {@link AuthTokenV2}). */
  record Auth(PeerId peerId, byte[] token) implements RelayMessage {
    public Auth {
      Objects.requireNonNull(peerId, "peerId");
      token = token.clone();
    }

    @Override
    public byte[] token() {
      return token.clone();
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.AUTH;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Auth a && peerId.equals(a.peerId) && Arrays.equals(token, a.token);
    }

    @Override
    public int hashCode() {
      return 31 * peerId.hashCode() + Arrays.hashCode(token);
    }

    @Override
    public String toString() {
      // The token is a credential; only its size goes into logs.
      return "Auth[peerId=" + peerId + ", token=" + token.length + " bytes]";
    }
  }

  /** Handshake success (type 7) carrying the instance URL clients compare byte-for-byte. */
  record AuthResponse(String instanceUrl) implements RelayMessage {
    public AuthResponse {
      Objects.requireNonNull(instanceUrl, "instanceUrl");
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.AUTH_RESPONSE;
    }

    /** The URL as UTF-8 bytes, as written on the wire. */
    public byte[] instanceUrlBytes() {
      return instanceUrl.getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * Peer data (type 3). {@code peerId} is the destination when a client sends it and the
   * source when the server delivers it; the payload is opaque and may be empty.
   */
  record Transport(PeerId peerId, byte[] payload) implements RelayMessage {
    public Transport {
      Objects.requireNonNull(peerId, "peerId");
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.TRANSPORT;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Transport t && peerId.equals(t.peerId) && Arrays.equals(payload, t.payload);
    }

    @Override
    public int hashCode() {
      return 31 * peerId.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Transport[peerId=" + peerId + ", payload=" + HexFormat.of().formatHex(payload, 0, Math.min(16, payload.length))
          + (payload.length > 16 ? "… (" + payload.length + " bytes)]" : "]");
    }
  }

  /** Graceful close (type 4): exactly {@code 01 04}. */
  enum Close implements RelayMessage {
    INSTANCE;

    @Override
    public RelayMessageType type() {
      return RelayMessageType.CLOSE;
    }
  }

  /** Keep-alive (type 5): exactly {@code 01 05}; the client echoes it. */
  enum HealthCheck implements RelayMessage {
    INSTANCE;

    @Override
    public RelayMessageType type() {
      return RelayMessageType.HEALTH_CHECK;
    }
  }

  /** The four peer-state messages share one layout: the header, then k concatenated IDs. */
  sealed interface PeerStateMessage extends RelayMessage {
    List<PeerId> peerIds();
  }

  /** Watch these peers (type 8). */
  record SubscribePeerState(List<PeerId> peerIds) implements PeerStateMessage {
    public SubscribePeerState {
      peerIds = List.copyOf(peerIds);
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.SUBSCRIBE_PEER_STATE;
    }
  }

  /** Stop watching these peers (type 9). */
  record UnsubscribePeerState(List<PeerId> peerIds) implements PeerStateMessage {
    public UnsubscribePeerState {
      peerIds = List.copyOf(peerIds);
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.UNSUBSCRIBE_PEER_STATE;
    }
  }

  /** These watched peers are online (type 10). */
  record PeersOnline(List<PeerId> peerIds) implements PeerStateMessage {
    public PeersOnline {
      peerIds = List.copyOf(peerIds);
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.PEERS_ONLINE;
    }
  }

  /** These watched peers went offline (type 11). */
  record PeersWentOffline(List<PeerId> peerIds) implements PeerStateMessage {
    public PeersWentOffline {
      peerIds = List.copyOf(peerIds);
    }

    @Override
    public RelayMessageType type() {
      return RelayMessageType.PEERS_WENT_OFFLINE;
    }
  }
}
