package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.WhoHas;
import dev.meshplane.protocol.relay.PeerId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * Which node holds a peer (openzro relay/server/cluster/locator.go): a cache of peer → node address
 * with a TTL, filled by I_HAVE answers to WHO_HAS broadcasts.
 *
 * <p>Where meshplane does better than openzro, compatibly:
 * <ul>
 *   <li>A lookup finishes as soon as every asked node has answered, instead of always waiting the
 *       full lookup timeout: meshplane nodes answer NOT_HERE, a closed stream counts as an answer,
 *       and once an I_HAVE is in, openzro pods (which never answer negatively) are not waited for.
 *       With only openzro pods and no owner, the lookup still takes the full timeout.</li>
 *   <li>Entries are dropped when the stream to their node closes and when that node reports the
 *       peer left (PEER_LEFT) or not there (NOT_HERE), not only on a failed forward.</li>
 * </ul>
 */
final class PeerLocator {

  private record Entry(String address, long seqno, long expiresNanos) {}

  private final FabricStreams streams;
  private final FabricMetrics metrics;
  private final Scheduler scheduler;
  private final ExecutionContext executor;
  private final long ttlNanos;
  private final Duration lookupTimeout;
  private final ConcurrentHashMap<PeerId, Entry> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<PeerId, Lookup> lookups = new ConcurrentHashMap<>();

  PeerLocator(FabricStreams streams, FabricMetrics metrics, Scheduler scheduler, ExecutionContext executor,
      Duration ttl, Duration lookupTimeout) {
    this.streams = streams;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.executor = executor;
    this.ttlNanos = ttl.toNanos();
    this.lookupTimeout = lookupTimeout;
  }

  /**
   * The cached owner if the entry is fresh and its stream is live; the hot path of every forward.
   * An expired entry, or one whose stream is gone, is dropped here (lazy expiry, as openzro's
   * cacheGet).
   */
  Optional<FabricStream> cachedStream(PeerId peer) {
    Entry entry = cache.get(peer);
    if (entry == null) {
      return Optional.empty();
    }
    FabricStream stream = streams.live(entry.address());
    if (stream == null || System.nanoTime() - entry.expiresNanos() > 0) {
      cache.remove(peer, entry);
      return Optional.empty();
    }
    return Optional.of(stream);
  }

  /**
   * Finds the node holding {@code peer}: the cache, else a WHO_HAS to every live stream (openzro
   * Lookup). Concurrent lookups of one peer share one broadcast. Never fails; empty means "no
   * owner".
   */
  CompletableFuture<Optional<String>> lookup(PeerId peer) {
    long start = System.nanoTime();
    Optional<FabricStream> cached = cachedStream(peer);
    if (cached.isPresent()) {
      metrics.lookup(System.nanoTime() - start);
      return CompletableFuture.completedFuture(Optional.of(cached.get().key()));
    }
    List<FabricStream> live = streams.allLive();
    if (live.isEmpty()) {
      metrics.lookup(System.nanoTime() - start);
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Lookup fresh = new Lookup(peer, start);
    Lookup existing = lookups.putIfAbsent(peer, fresh);
    if (existing != null) {
      return existing.result;
    }
    fresh.ask(live);
    scheduler.scheduleOnce(lookupTimeout, fresh::finish, executor);
    return fresh.result;
  }

  /** An I_HAVE updates the cache even with no lookup pending, then feeds the lookup (openzro HandleIHave). */
  void onIHave(String address, PeerId peer, long seqno) {
    long expires = System.nanoTime() + ttlNanos;
    cache.compute(peer, (id, current) -> {
      boolean currentFresh = current != null && System.nanoTime() - current.expiresNanos() < 0;
      return currentFresh && current.seqno() > seqno ? current : new Entry(address, seqno, expires);
    });
    Lookup lookup = lookups.get(peer);
    if (lookup != null) {
      lookup.answer(address, seqno);
    }
  }

  /** A meshplane node says it does not have {@code peer}: count the answer, drop an entry for it. */
  void onNotHere(String address, PeerId peer) {
    invalidate(peer, address);
    Lookup lookup = lookups.get(peer);
    if (lookup != null) {
      lookup.answer(address, -1);
    }
  }

  /** Drops the entry for {@code peer} if it points at {@code address}. */
  void invalidate(PeerId peer, String address) {
    cache.computeIfPresent(peer, (id, entry) -> entry.address().equals(address) ? null : entry);
  }

  /** The stream to {@code address} closed: its entries are useless and pending lookups stop waiting for it. */
  void onStreamClosed(String address) {
    cache.values().removeIf(entry -> entry.address().equals(address));
    for (Lookup lookup : lookups.values()) {
      lookup.answer(address, -1);
    }
  }

  int cacheSize() {
    return cache.size();
  }

  /** One broadcast WHO_HAS and the answers to it. */
  private final class Lookup {

    private final PeerId peer;
    private final long startNanos;
    final CompletableFuture<Optional<String>> result = new CompletableFuture<>();
    /** Streams asked that have not answered. */
    private final Set<String> unanswered = new HashSet<>();
    /** The subset of {@link #unanswered} that are meshplane nodes (they will answer either way). */
    private final Set<String> unansweredMeshplane = new HashSet<>();
    private String best;
    private long bestSeqno;
    private boolean done;

    Lookup(PeerId peer, long startNanos) {
      this.peer = peer;
      this.startNanos = startNanos;
    }

    void ask(List<FabricStream> live) {
      var frame = new WhoHas(peer).encode();
      synchronized (this) {
        for (FabricStream stream : live) {
          unanswered.add(stream.key());
          if (stream.meshplane()) {
            unansweredMeshplane.add(stream.key());
          }
        }
      }
      for (FabricStream stream : live) {
        // Send errors are ignored, as in openzro; a closed stream answers through onStreamClosed.
        if (stream.send(frame) != FabricStream.Sent.QUEUED) {
          answer(stream.key(), -1);
        }
      }
    }

    /** @param seqno the I_HAVE seqno, or -1 for "not here" / "stream gone" */
    void answer(String address, long seqno) {
      boolean finished;
      synchronized (this) {
        if (done) {
          return;
        }
        // First answer wins, later ones only with a strictly greater seqno, as in openzro.
        if (seqno >= 0 && (best == null || seqno > bestSeqno)) {
          best = address;
          bestSeqno = seqno;
        }
        unanswered.remove(address);
        unansweredMeshplane.remove(address);
        finished = unanswered.isEmpty() || (best != null && unansweredMeshplane.isEmpty());
      }
      if (finished) {
        finish();
      }
    }

    void finish() {
      String owner;
      long seqno;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        owner = best;
        seqno = bestSeqno;
      }
      if (owner != null) {
        cache.put(peer, new Entry(owner, seqno, System.nanoTime() + ttlNanos));
      }
      lookups.remove(peer, this);
      metrics.lookup(System.nanoTime() - startNanos);
      result.complete(Optional.ofNullable(owner));
    }
  }
}
