package dev.meshplane.relay;

import dev.meshplane.protocol.relay.PeerId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;

/**
 * What the relay needs from the inter-node fabric: reach peers connected to other nodes. A relay
 * without a fabric (a lone node) uses {@link #NONE}, which knows no other node.
 *
 * <p>Every method is called on a peer connection's stream and must not block.
 */
public interface RemotePeers {

  /**
   * Sends a transport message to a peer that is not connected here (openzro relay/server/cluster_fwd.go). The
   * message is complete and already rewritten: its peer-ID slot holds the <em>source</em>.
   *
   * @return false when the message was dropped at once because no other node can exist (only
   *     {@link #NONE}); true when the fabric took it (it may still be dropped later and counted)
   */
  boolean forward(PeerId destination, ByteString transportMessage);

  /** Completes with true if some other node has {@code peer} connected (the subscribe path of openzro relay/server/cluster_fwd.go). */
  CompletionStage<Boolean> isOnline(PeerId peer);

  /** {@code peer}'s last connection to this node ended: tell the nodes that may cache it. */
  void peerLeft(PeerId peer);

  /** No other node: nothing is forwarded, nobody is online elsewhere. */
  RemotePeers NONE = new RemotePeers() {
    @Override
    public boolean forward(PeerId destination, ByteString transportMessage) {
      return false;
    }

    @Override
    public CompletionStage<Boolean> isOnline(PeerId peer) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public void peerLeft(PeerId peer) {
    }
  };
}
