/**
 * The relay service on one node: openzro/NetBird-compatible peers open a WebSocket on
 * {@code /relay}, authenticate with a relay token and exchange WireGuard packets through this node
 * (spec {@code relay-peer-protocol.md}).
 *
 * <p>In scope: the listener ({@link dev.meshplane.relay.RelayServer}), settings ({@link
 * dev.meshplane.relay.RelaySettings}), the handshake and per-message rules, the local peer store,
 * peer-state subscriptions, health checks, per-peer bounded queues with drop-and-count flow control,
 * and the relay metrics.
 *
 * <p>Out of scope here: wire formats (package {@code dev.meshplane.protocol.relay}); forwarding to
 * peers on other nodes (the inter-node fabric) — a packet for a peer that is not on this node is
 * dropped and counted; the QUIC transport; environment-variable mapping (bootstrap).
 */
package dev.meshplane.relay;
