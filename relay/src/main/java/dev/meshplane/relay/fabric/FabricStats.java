package dev.meshplane.relay.fabric;

import java.util.List;

/**
 * A point-in-time view of the fabric for JMX and {@code meshplane inspect}.
 *
 * @param announceAddress this node's fabric address as sent in HELLO
 * @param streams addresses of the nodes with a live stream, sorted
 * @param meshplaneStreams how many of those answered PING (meshplane nodes; the rest are openzro pods)
 * @param cachedPeers entries in the locator cache
 */
public record FabricStats(String announceAddress, List<String> streams, int meshplaneStreams, int cachedPeers,
    long forwardsOk, long forwardsPeerNotFound, long forwardsStreamGone, long forwardsSendError) {}
