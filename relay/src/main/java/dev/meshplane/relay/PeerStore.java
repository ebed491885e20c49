package dev.meshplane.relay;

import dev.meshplane.protocol.relay.PeerId;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node-local peer store (openzro relay/server/store/store.go) plus the reverse index of peer-state subscriptions.
 *
 * <p>Why a {@link ConcurrentHashMap} and not an actor: the store is read once per forwarded packet
 * from every connection's stream. A lock-free {@code get} on the sender's own thread keeps that
 * path free of asks, mailboxes and context switches; writes (register, unregister) happen once per
 * connection and are single atomic map operations, so there is no multi-step state an actor would
 * have to protect. Replacement is {@code put} (returns the old connection to close) and removal is
 * {@code remove(id, connection)}, so a replaced connection's teardown can never remove its
 * successor — exactly openzro's rule.
 *
 * <p>The watcher index maps a peer ID to the connections subscribed to it, so an online or offline
 * event touches only interested subscribers instead of every connection.
 */
final class PeerStore {

  private final ConcurrentHashMap<PeerId, PeerConnection> peers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<PeerId, Set<PeerConnection>> watchers = new ConcurrentHashMap<>();

  /** The live connection of {@code id}, or null. Lock-free: this is the forwarding path. */
  PeerConnection get(PeerId id) {
    return peers.get(id);
  }

  boolean contains(PeerId id) {
    return peers.containsKey(id);
  }

  /**
   * Makes {@code connection} the entry for its peer ID and tells subscribers it came online.
   *
   * @return the connection it replaced (the caller closes it), or null
   */
  PeerConnection register(PeerConnection connection) {
    PeerId id = connection.peerId();
    PeerConnection previous = peers.put(id, connection);
    // The put happens before the watcher lookup and PeerInterest.subscribe adds to the index
    // before it reads the store, so a concurrent subscribe sees the peer in at least one place.
    for (PeerConnection watcher : watchersOf(id)) {
      watcher.interest().peerCameOnline(id);
    }
    return previous;
  }

  /**
   * Removes {@code connection} if it is still the entry for its ID and then tells subscribers the
   * peer went offline. A replaced connection is no longer the entry, so its teardown is silent.
   *
   * @return true if the peer is gone from this node (false: a newer connection holds it)
   */
  boolean unregister(PeerConnection connection) {
    PeerId id = connection.peerId();
    if (!peers.remove(id, connection)) {
      return false;
    }
    for (PeerConnection watcher : watchersOf(id)) {
      watcher.interest().peerWentOffline(id);
    }
    return true;
  }

  void addWatcher(PeerId target, PeerConnection watcher) {
    watchers.compute(target, (id, set) -> {
      Set<PeerConnection> result = set == null ? ConcurrentHashMap.newKeySet() : set;
      result.add(watcher);
      return result;
    });
  }

  void removeWatcher(PeerId target, PeerConnection watcher) {
    watchers.computeIfPresent(target, (id, set) -> {
      set.remove(watcher);
      return set.isEmpty() ? null : set;
    });
  }

  /** Authenticated peers connected to this node. */
  int size() {
    return peers.size();
  }

  /** Peers whose last transport traffic is within {@code windowNanos} (gauge {@code relay_peers_active}). */
  int countActiveWithin(long windowNanos) {
    long now = System.nanoTime();
    int active = 0;
    for (PeerConnection connection : peers.values()) {
      if (now - connection.lastTransportNanos() <= windowNanos) {
        active++;
      }
    }
    return active;
  }

  Collection<PeerConnection> connections() {
    return peers.values();
  }

  private Collection<PeerConnection> watchersOf(PeerId id) {
    Set<PeerConnection> set = watchers.get(id);
    return set == null ? Set.of() : set;
  }
}
