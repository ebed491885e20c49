package dev.meshplane.relay;

import dev.meshplane.protocol.relay.PeerId;
import org.apache.pekko.util.ByteString;

/**
 * What the fabric needs from the node-local peer store: is a peer connected here, hand a relay
 * message to it, and how large such a message may be. Kept this small so the fabric does not
 * depend on the store's internals.
 *
 * <p>Both methods are called on a fabric connection's stream thread, once per WHO_HAS or FWD
 * frame, so they must not block (a map lookup and a non-blocking queue offer).
 */
public interface LocalPeers {

  /** True if {@code peer} is currently connected to this node (answers WHO_HAS, as openzro relay/server/cluster/locator.go). */
  boolean has(PeerId peer);

  /**
   * Writes {@code transportMessage} unchanged, as one relay message, to the connection of
   * {@code destination}, exactly as a message from a peer on this node would be delivered
   * (as openzro relay/server/cluster_fwd.go). The peer-ID slot already carries the source; nothing is rewritten.
   *
   * @return true if the message was handed to the destination's connection; false if the peer is
   *     not connected here or its connection refused the message (both are silent drops on the wire)
   */
  boolean deliver(PeerId destination, ByteString transportMessage);

  /**
   * The largest relay message a connection here accepts ({@code max-message-size}); a forwarded
   * message above it is dropped before {@link #deliver}, since the peer's client could not read it.
   */
  int maxMessageSize();
}
