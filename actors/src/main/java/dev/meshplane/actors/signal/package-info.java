/**
 * The signal service on cluster-sharded peer sessions (docs/architecture.md#the-signal-path).
 *
 * <p>{@link dev.meshplane.actors.signal.PeerSession} is the one sharded entity per peer key; it
 * knows which stream to deliver to and buffers briefly while none is attached. {@link
 * dev.meshplane.actors.signal.SignalConnection} is node-local and owns one gRPC response stream (a
 * {@link dev.meshplane.actors.signal.ResponseStream}); {@link
 * dev.meshplane.actors.signal.SignalConnections} is the parent of a node's connections. {@link
 * dev.meshplane.actors.signal.SessionReattacher} re-attaches streams to sessions that moved, and
 * {@link dev.meshplane.actors.signal.ConnectionRebalancer} spreads streams over the nodes after a
 * scale-up. {@link dev.meshplane.actors.signal.SignalActors} spawns these long-lived actors under
 * the parent it is given (the node's guardian). {@link dev.meshplane.actors.signal.SignalServer}
 * is the listener in front of them, with {@link dev.meshplane.actors.signal.SignalGrpcHandler}
 * as the HTTP/2 edge that turns gRPC calls into messages; {@link
 * dev.meshplane.actors.signal.GrpcFrameLimit} refuses oversized messages there by their length
 * prefix, and {@link dev.meshplane.actors.signal.SignalByteBudget} bounds the bytes the node holds
 * in session buffers and stream queues (docs/security.md#signal-port-10000). Out of scope here: the actor system,
 * cluster formation and the node's wiring (bootstrap).
 */
package dev.meshplane.actors.signal;
