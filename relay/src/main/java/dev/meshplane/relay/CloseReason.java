package dev.meshplane.relay;

import java.util.Locale;

/** Why the relay closed a peer connection (label of {@code meshplane_relay_connections_closed}); openzro closes in the same cases, relay/server/peer.go. */
enum CloseReason {
  /** First message was not a valid Auth with a valid token; detail in {@code meshplane_relay_handshakes}. */
  HANDSHAKE_REJECTED,
  /** No Auth within {@code handshake-timeout}. */
  HANDSHAKE_TIMEOUT,
  /** A text WebSocket message: the protocol is binary only (openzro relay/server). */
  TEXT_MESSAGE,
  /** A message above the size limit of its phase (openzro relay/messages). */
  OVERSIZE,
  /** Empty message, wrong version, or a type the server does not accept from clients. */
  PROTOCOL_ERROR,
  /** The peer sent Close. */
  CLIENT_CLOSE,
  /** The WebSocket ended from the peer's side or the network. */
  PEER_DISCONNECTED,
  /** No HealthCheck echo within the configured windows (openzro relay/healthcheck). */
  HEALTH_CHECK_TIMEOUT,
  /** The same peer ID authenticated again; the older connection goes (openzro relay/server/store/store.go). */
  REPLACED,
  /** The server is stopping; peers got a Close first. */
  SERVER_SHUTDOWN,
  /** A bug on our side; logged with its stack trace. */
  INTERNAL_ERROR;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
