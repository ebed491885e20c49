package dev.meshplane.relay;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.protocol.relay.RelayMessageType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's peer-state subscriptions (openzro relay/server/store): {@code onlineInterest} is one-shot (an
 * online event consumes it), {@code offlineInterest} lasts until unsubscribed. All methods hold the
 * instance lock, like the Go listener's mutex, so an online reply and an offline notification to
 * the same subscriber never interleave. Nothing here blocks: messages go to the owner's bounded
 * control queue.
 *
 * <p>Events are sent one per message instead of openzro's batches; a list of one ID is the same
 * wire format, and the client handles each ID independently.
 */
final class PeerInterest {

  private static final Logger log = LoggerFactory.getLogger(PeerInterest.class);

  /**
   * Upper bound of IDs one connection may watch. openzro has none; a real client watches the
   * peers it talks to through this relay (tens to a few thousand), and the bound stops one
   * connection from growing the index without limit.
   */
  static final int MAX_WATCHED_PEERS = 65_536;

  private final PeerConnection owner;
  private final PeerStore store;
  private final AtomicReference<RemotePeers> remote;
  private final Set<PeerId> onlineInterest = new HashSet<>();
  private final Set<PeerId> offlineInterest = new HashSet<>();
  private boolean cleared;

  PeerInterest(PeerConnection owner, PeerStore store, AtomicReference<RemotePeers> remote) {
    this.owner = owner;
    this.store = store;
    this.remote = remote;
  }

  /** SubscribePeerState: watch the IDs, then answer with those already online (if any). */
  synchronized void subscribe(List<PeerId> ids) {
    if (cleared) {
      return;
    }
    List<PeerId> online = new ArrayList<>();
    for (PeerId id : ids) {
      if (!offlineInterest.contains(id) && offlineInterest.size() >= MAX_WATCHED_PEERS) {
        log.warn("Peer [{}] watches {} peers already; ignoring subscription to [{}]", owner.peerId(),
            MAX_WATCHED_PEERS, id);
        continue;
      }
      onlineInterest.add(id);
      if (offlineInterest.add(id)) {
        store.addWatcher(id, owner);
      }
      if (store.contains(id)) {
        online.add(id);
      } else {
        // As openzro relay/server/cluster_fwd.go: a peer owned by another node counts as online. The answer comes
        // later and is delivered like a local peer coming online (once per subscription).
        remote.get().isOnline(id).thenAccept(elsewhere -> {
          if (elsewhere) {
            peerCameOnline(id);
          }
        });
      }
    }
    for (byte[] message : RelayMessageCodec.encodePeerStateChunks(RelayMessageType.PEERS_ONLINE, online)) {
      owner.sendControl(message);
    }
  }

  /** UnsubscribePeerState: forget the IDs; no reply. */
  synchronized void unsubscribe(List<PeerId> ids) {
    for (PeerId id : ids) {
      onlineInterest.remove(id);
      if (offlineInterest.remove(id)) {
        store.removeWatcher(id, owner);
      }
    }
  }

  /** Another connection registered {@code id}: notify once, then disarm the online interest. */
  synchronized void peerCameOnline(PeerId id) {
    if (!cleared && onlineInterest.remove(id)) {
      owner.sendControl(RelayMessageCodec.encodePeerStateChunks(RelayMessageType.PEERS_ONLINE, List.of(id)).get(0));
    }
  }

  /** The current connection of {@code id} ended: notify while the offline interest lasts. */
  synchronized void peerWentOffline(PeerId id) {
    if (!cleared && offlineInterest.contains(id)) {
      owner.sendControl(RelayMessageCodec.encodePeerStateChunks(RelayMessageType.PEERS_WENT_OFFLINE, List.of(id)).get(0));
    }
  }

  /** The owner's connection ended: drop every subscription and leave the index. */
  synchronized void clear() {
    cleared = true;
    for (PeerId id : offlineInterest) {
      store.removeWatcher(id, owner);
    }
    onlineInterest.clear();
    offlineInterest.clear();
  }
}
