/**
 * Wire codec of the inter-node relay fabric: the TCP protocol that several relay nodes behind one
 * load balancer speak to find which node holds a peer (WHO_HAS / I_HAVE) and to hand a relay
 * message to that node (FWD). Byte-compatible with openzro's {@code relay/server/cluster}
 * (frame.go for the frame, messages.go for the payloads); how meshplane uses it is in
 * {@code docs/relay.md}.
 *
 * <p>In scope: the frame format ({@link dev.meshplane.protocol.fabric.FabricFrameCodec}, {@link
 * dev.meshplane.protocol.fabric.FabricProtocolLimits}), the type table ({@link
 * dev.meshplane.protocol.fabric.FabricMessageType}), a codec per message type that is sent or
 * handled, HELLO v2 validation with its reject labels ({@link
 * dev.meshplane.protocol.fabric.HelloRejectReason}, openzro's and meshplane's own), the proof by
 * which two meshplane nodes show each other they hold the secret ({@link
 * dev.meshplane.protocol.fabric.StreamProof}, carried by CHALLENGE and PROOF), and the receive
 * rule that keeps the protocol forward compatible ({@link
 * dev.meshplane.protocol.fabric.FabricMessage#decodeAfterHello}: unknown types, and the channel
 * types openzro defines but never sends, are skipped, never fatal). Peer IDs are the relay
 * protocol's {@link dev.meshplane.protocol.relay.PeerId}, as in openzro.
 *
 * <p>Out of scope: sockets, cutting a byte stream into frames, streams and their registry, read
 * deadlines, the memory of accepted HELLOs, which streams are trusted and when, the locator (wait,
 * cache, seqno counter), discovery, metrics and configuration. Those
 * live in the relay module's {@code dev.meshplane.relay.fabric}, which uses this package as its
 * only source of bytes. Nothing here does I/O, and nothing reads the wall clock except through an
 * injected {@link java.time.Clock}.
 *
 * <p>Errors: every decoding failure is a {@link
 * dev.meshplane.protocol.fabric.FabricProtocolException} with a reason; during the handshake the
 * caller closes the connection and counts the reason's reject label. Encoding a message that
 * cannot fit one frame throws the same exception; a caller argument outside its range (a seqno
 * over 32 bits, a type code over a byte) is an {@link IllegalArgumentException}.
 */
package dev.meshplane.protocol.fabric;
