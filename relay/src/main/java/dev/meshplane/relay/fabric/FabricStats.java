package dev.meshplane.relay.fabric;

import java.util.List;

/**
 * A point-in-time view of the fabric for JMX and {@code meshplane inspect}.
 *
 * @param announceAddress this node's fabric address as sent in HELLO
 * @param streams addresses of the nodes with a live stream, sorted
 * @param meshplaneStreams how many of those lead to meshplane nodes that proved they hold the secret (the rest
 *     are openzro pods, or meshplane nodes still proving themselves)
 * @param cachedPeers entries in the locator cache
 */
public record FabricStats(String announceAddress, List<String> streams, int meshplaneStreams, int cachedPeers,
    long forwardsOk, long forwardsPeerNotFound, long forwardsStreamGone, long forwardsSendError) {}
