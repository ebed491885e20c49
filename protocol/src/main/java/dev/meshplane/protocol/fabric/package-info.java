/**
 * Wire codec of the inter-pod relay fabric: the TCP protocol that several relay pods behind one
 * load balancer speak to find which pod owns a peer (WHO_HAS / I_HAVE) and to hand a relay message
 * to that pod (FWD). Byte-compatible with openzro's {@code relay/server/cluster}; the contract is
 * {@code spec/relay-fabric.md} (sections 2 to 4 and 9), with golden bytes in
 * {@code spec/test-vectors.md} sections B and C.
 *
 * <p>In scope: the frame format ({@link dev.meshplane.protocol.fabric.FabricFrameCodec}), the type
 * table ({@link dev.meshplane.protocol.fabric.FabricMessageType}), one pure encode/decode pair per
 * message type, HELLO v2 validation with its reject labels
 * ({@link dev.meshplane.protocol.fabric.HelloRejectReason}), and the receive-side dispatch rule
 * that keeps the protocol forward compatible (unknown types are skipped, never fatal).
 *
 * <p>Out of scope: sockets, streams and their registry, read deadlines, the locator (wait, cache,
 * seqno counter), DNS discovery, metrics registration and configuration. Those live with the
 * relay runtime, which uses this package as its only source of bytes. Nothing here does I/O except
 * the blocking {@link dev.meshplane.protocol.fabric.FabricFrameCodec#read(java.io.InputStream)}
 * convenience, and nothing reads the wall clock except through an injected {@link java.time.Clock}.
 *
 * <p>Errors: every decoding failure is a
 * {@link dev.meshplane.protocol.fabric.FabricProtocolException} with a reason; a caller closes the
 * stream on it (spec section 3), and during the handshake maps it to a reject label.
 */
package dev.meshplane.protocol.fabric;
