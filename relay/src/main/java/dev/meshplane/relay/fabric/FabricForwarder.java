package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.fabric.Fwd;
import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.LocalPeers;
import dev.meshplane.relay.fabric.FabricMetrics.Dropped;
import dev.meshplane.relay.fabric.FabricMetrics.ForwardResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.util.ByteString;

/**
 * Sends transport messages for peers on other nodes (openzro relay/server/cluster/forwarder.go,
 * Forward): one FWD frame to the node the locator names, with one {@code
 * relay_cluster_forwards_total{result}} per packet.
 *
 * <p>Unlike openzro, a cache miss does not hold the sender's read loop for the lookup: packets for
 * a destination being looked up wait in a small per-destination backlog and go out in arrival
 * order when the answer is in. A cached node whose stream is gone triggers a new lookup instead of
 * dropping the packet, so traffic resumes as soon as the peer is found elsewhere.
 */
final class FabricForwarder {

  private final LocalPeers local;
  private final PeerLocator locator;
  private final FabricStreams streams;
  private final FabricMetrics metrics;
  private final int backlogLimit;
  private final ConcurrentHashMap<PeerId, Backlog> pending = new ConcurrentHashMap<>();

  FabricForwarder(LocalPeers local, PeerLocator locator, FabricStreams streams, FabricMetrics metrics,
      int backlogLimit) {
    this.local = local;
    this.locator = locator;
    this.streams = streams;
    this.metrics = metrics;
    this.backlogLimit = backlogLimit;
  }

  /** {@code message} is the complete relay transport message, slot already holding the source. */
  void forward(PeerId destination, ByteString message) {
    while (true) {
      Backlog waiting = pending.get(destination);
      if (waiting != null && waiting.offer(message)) {
        return;
      }
      long start = System.nanoTime();
      Optional<FabricStream> cached = locator.cachedStream(destination);
      if (cached.isPresent()) {
        // Every lookup is observed, cache hits included, so the histogram counts packets as openzro's does.
        metrics.lookup(System.nanoTime() - start);
        send(cached.get(), destination, message);
        return;
      }
      Backlog fresh = new Backlog(destination);
      if (pending.putIfAbsent(destination, fresh) == null) {
        fresh.offer(message);
        locator.lookup(destination).whenComplete((owner, failure) ->
            fresh.flush(owner == null ? Optional.empty() : owner));
        return;
      }
      // Another sender started a lookup in the meantime: join its backlog.
    }
  }

  private void send(FabricStream stream, PeerId destination, ByteString message) {
    // Header and destination, then the message as it is: the packet's bytes are not copied here.
    ByteString frame = ByteString.fromArrayUnsafe(Fwd.frameHeader(destination, message.size()))
        .concat(message);
    switch (stream.sendEncoded(frame)) {
      case QUEUED -> metrics.forward(ForwardResult.OK);
      // The remote reads slower than we forward; the owner is still right, so the entry stays.
      case QUEUE_FULL -> metrics.forward(ForwardResult.SEND_ERROR);
      case CLOSED -> {
        locator.invalidate(destination, stream.key());
        metrics.forward(ForwardResult.STREAM_GONE);
      }
    }
  }

  /** Packets for one destination while its lookup runs; flushed once, in arrival order. */
  private final class Backlog {

    private final PeerId destination;
    private final List<ByteString> messages = new ArrayList<>();
    private boolean flushed;

    Backlog(PeerId destination) {
      this.destination = destination;
    }

    /** @return false once flushed: the caller must route the message itself (the cache is filled by now) */
    synchronized boolean offer(ByteString message) {
      if (flushed) {
        return false;
      }
      if (messages.size() >= backlogLimit) {
        // Still one relay_cluster_forwards_total per packet, as in openzro: it could not be sent.
        metrics.dropped(Dropped.LOOKUP_BACKLOG_FULL);
        metrics.forward(ForwardResult.SEND_ERROR);
        return true;
      }
      messages.add(message);
      return true;
    }

    /** Sends everything held, under the lock, so a packet arriving meanwhile cannot overtake. */
    synchronized void flush(Optional<String> owner) {
      FabricStream stream = owner.map(streams::live).orElse(null);
      for (ByteString message : messages) {
        // The peer may have connected here while we were looking (openzro checks local first too).
        if (local.deliver(destination, message)) {
          metrics.forward(ForwardResult.OK);
        } else if (owner.isEmpty()) {
          metrics.forward(ForwardResult.PEER_NOT_FOUND);
        } else if (stream == null) {
          locator.invalidate(destination, owner.get());
          metrics.forward(ForwardResult.STREAM_GONE);
        } else {
          send(stream, destination, message);
        }
      }
      messages.clear();
      // Only now, still under the lock: a sender blocked in offer() sees flushed, finds no
      // backlog and routes through the cache, after everything held here went out.
      flushed = true;
      pending.remove(destination, this);
    }
  }
}
