/**
 * The inter-node relay fabric: how relay nodes behind one load balancer reach peers connected to
 * each other, wire-compatible with openzro's {@code relay/server/cluster} so meshplane nodes and
 * openzro pods can share a fleet. Operation, metrics and the deliberate differences from openzro
 * are in {@code docs/relay.md#the-fabric-between-relay-nodes}.
 *
 * <p>In scope, all of it built and wired into the node through {@link
 * dev.meshplane.relay.fabric.RelayFabric}: a TCP listener that requires a valid HELLO v2 first,
 * never one it accepted before or one announcing this node ({@code FabricListener}, {@code
 * HelloReplayMemory}); a dialer that keeps one stream open to every known member, never to an
 * address a HELLO announced, and redials with backoff ({@code FabricDialer}); the stream registry,
 * one live stream per remote address, whichever side dialed ({@code FabricStreams}, {@code
 * FabricStream}); trust per stream: meshplane nodes prove the secret to each other over a nonce
 * (CHALLENGE / PROOF) before anything else they send counts, openzro pods are trusted on their
 * HELLO only where they are allowed; framing on Pekko Streams TCP
 * ({@code FabricFraming}); the locator, a peer-to-node cache filled by WHO_HAS / I_HAVE that
 * finishes as soon as the answers are in ({@code PeerLocator}); the forwarder, which sends FWD
 * frames without copying the packet and holds packets in a small backlog while their lookup runs
 * ({@code FabricForwarder}), and the receiving side, which hands a peer only a relay Transport
 * message it can read; PING/PONG keepalive and the NOT_HERE / PEER_LEFT extensions towards
 * meshplane nodes; member discovery from DNS ({@code FabricDnsDiscovery}) or the Pekko cluster
 * ({@code ClusterFabricDiscovery}); settings ({@link dev.meshplane.relay.fabric.FabricSettings})
 * and metrics ({@code FabricMetrics}).
 *
 * <p>Out of scope: the bytes themselves, which come from {@code dev.meshplane.protocol.fabric};
 * the peers connected to this node, which the fabric reaches only through {@link
 * dev.meshplane.relay.LocalPeers}. The relay sees the fabric only as {@link
 * dev.meshplane.relay.RemotePeers}.
 */
package dev.meshplane.relay.fabric;
