/**
 * The signal service on cluster-sharded peer sessions (shared/DESIGN.md "Signal path").
 *
 * <p>{@link dev.meshplane.actors.signal.PeerSession} is the one sharded entity per peer key; it
 * knows which stream to deliver to and buffers briefly while none is attached. {@link
 * dev.meshplane.actors.signal.SignalConnection} is node-local and owns one gRPC response stream.
 * {@link dev.meshplane.actors.signal.SignalGrpcHandler} is the HTTP/2 edge that turns gRPC calls
 * into messages to both. Out of scope here: cluster formation and brokers (bootstrap, bridges).
 */
package dev.meshplane.actors.signal;
