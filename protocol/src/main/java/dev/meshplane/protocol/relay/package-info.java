/**
 * The relay peer protocol: the messages a WireGuard peer and a relay node exchange over one
 * WebSocket (or, in openzro, one QUIC datagram flow), as written down in
 * {@code shared/spec/relay-peer-protocol.md}.
 *
 * <p>In scope: the 2-byte header and the type registry (spec §2), the 36-byte {@link
 * dev.meshplane.protocol.relay.PeerId} (§3), byte-exact encoders and decoders for every message type
 * (§4, §6), the size limits (§6.5) and the v2 relay auth token with its SHA-256 key derivation (§5).
 * The legacy Hello / HelloResponse handshake (§4.4) is decoded only far enough to reject it with
 * {@link dev.meshplane.protocol.relay.RelayProtocolException.Reason#LEGACY_HELLO_UNSUPPORTED}: it needs
 * Go's {@code gob} encoding and is not functional in openzro itself.
 *
 * <p>Out of scope: sockets, queues, timers and the peer store (module {@code relay}); the inter-node
 * fabric frames (package {@code dev.meshplane.protocol.fabric}).
 *
 * <p>Error contract: decoding and token validation throw only {@link
 * dev.meshplane.protocol.relay.RelayProtocolException}, whose {@link
 * dev.meshplane.protocol.relay.RelayProtocolException.Reason} says what was wrong, so a server can
 * close and count a bad connection without anything else escaping. Encoders reject impossible
 * arguments (an empty peer list, an oversized URL) with {@link IllegalArgumentException}: that is a
 * programming error on our side, not bad input from the wire.
 */
package dev.meshplane.protocol.relay;
