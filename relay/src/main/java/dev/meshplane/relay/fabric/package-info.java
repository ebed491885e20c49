/**
 * The inter-node relay fabric (shared/spec/relay-fabric.md, openzro's ADR-0014 fabric), so far its
 * inbound half: a TCP listener that requires a valid HELLO v2 first, answers PING with PONG and
 * WHO_HAS with I_HAVE for locally connected peers, and delivers FWD frames to them. Dialing other
 * nodes, the locator cache, discovery and wiring into the node are not built yet.
 */
package dev.meshplane.relay.fabric;
