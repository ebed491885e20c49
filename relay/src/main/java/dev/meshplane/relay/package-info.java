/**
 * The relay service of a node: openzro/NetBird-compatible peers open a WebSocket on {@code /relay},
 * authenticate with a relay token and exchange WireGuard packets through it (openzro
 * {@code relay/server}; docs/relay.md).
 *
 * <p>In scope: the listener ({@link dev.meshplane.relay.RelayServer}), settings ({@link
 * dev.meshplane.relay.RelaySettings}), the connection limits ({@link
 * dev.meshplane.relay.ConnectionBudget}), the handshake and per-message rules, the local peer store,
 * peer-state subscriptions, health checks, per-peer bounded queues with drop-and-count flow control,
 * and the relay metrics. A packet for a peer on another node goes to the inter-node fabric
 * ({@link dev.meshplane.relay.RemotePeers}, implemented in {@code dev.meshplane.relay.fabric}); a lone
 * node without a fabric drops it and counts it.
 *
 * <p>Elsewhere: wire formats (package {@code dev.meshplane.protocol.relay}), the settings layer and
 * the environment-variable table (module {@code config}). Not built: the QUIC transport.
 */
package dev.meshplane.relay;
