/**
 * The relay peer protocol: the messages a WireGuard peer and a relay node exchange over one
 * WebSocket (or, in openzro, one QUIC datagram flow), byte-compatible with openzro's
 * {@code relay/messages} and {@code relay/auth/hmac/v2}; how the relay serves it is in
 * {@code docs/relay.md}.
 *
 * <p>In scope: the 2-byte header and the type registry ({@link
 * dev.meshplane.protocol.relay.RelayMessageType}), the 36-byte {@link
 * dev.meshplane.protocol.relay.PeerId} (which the inter-node fabric carries too), byte-exact
 * encoders and decoders for every message type ({@link
 * dev.meshplane.protocol.relay.RelayMessageCodec}), the size limits ({@link
 * dev.meshplane.protocol.relay.RelayProtocolLimits}) and the v2 relay auth token with its SHA-256
 * key derivation ({@link dev.meshplane.protocol.relay.AuthTokenV2}, {@link
 * dev.meshplane.protocol.relay.RelayAuthSecret}). The legacy Hello / HelloResponse handshake is
 * decoded only far enough to reject it with {@link
 * dev.meshplane.protocol.relay.RelayProtocolException.Reason#LEGACY_HELLO_UNSUPPORTED}: it needs
 * Go's {@code gob} encoding and is not functional in openzro itself.
 *
 * <p>Out of scope: sockets, queues, timers and the peer store (module {@code relay}); the
 * inter-node fabric frames (package {@code dev.meshplane.protocol.fabric}).
 *
 * <p>Errors: decoding and token validation throw only {@link
 * dev.meshplane.protocol.relay.RelayProtocolException}, whose {@link
 * dev.meshplane.protocol.relay.RelayProtocolException.Reason} says what was wrong, so a server can
 * close and count a bad connection without anything else escaping. Encoders reject impossible
 * arguments (an empty peer list, an oversized URL) with {@link IllegalArgumentException}: that is a
 * programming error on our side, not bad input from the wire.
 */
package dev.meshplane.protocol.relay;
