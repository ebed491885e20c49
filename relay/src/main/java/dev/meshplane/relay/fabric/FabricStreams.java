package dev.meshplane.relay.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live streams of this node, at most one per remote address (as openzro's transport.go):
 * outbound streams keyed by the address dialed, inbound ones by the address announced in HELLO, so
 * both directions between two nodes collapse onto one key. A new stream for a key that has a live
 * one loses: the caller closes it and the existing one stays, unless the caller replaces it.
 */
final class FabricStreams {

  private final ConcurrentHashMap<String, FabricStream> byKey = new ConcurrentHashMap<>();

  /**
   * Makes {@code stream} the stream for its key unless a live one exists.
   *
   * @return true if registered; false if the caller must close it (duplicate rule)
   */
  boolean register(FabricStream stream) {
    while (true) {
      FabricStream existing = byKey.putIfAbsent(stream.key(), stream);
      if (existing == null || existing == stream) {
        return true;
      }
      if (existing.isLive()) {
        return false;
      }
      if (byKey.replace(stream.key(), existing, stream)) {
        return true;
      }
    }
  }

  /** Puts {@code successor} in the place of {@code existing}; false if {@code existing} is no longer the entry. */
  boolean replace(FabricStream existing, FabricStream successor) {
    return byKey.replace(successor.key(), existing, successor);
  }

  /** Removes {@code stream} if it is still the entry for its key (a successor is never removed). */
  boolean remove(FabricStream stream) {
    String key = stream.key();
    return key != null && byKey.remove(key, stream);
  }

  /** The live stream for {@code key}, or null. */
  FabricStream live(String key) {
    FabricStream stream = byKey.get(key);
    return stream != null && stream.isLive() ? stream : null;
  }

  boolean hasLive(String key) {
    return live(key) != null;
  }

  List<FabricStream> allLive() {
    List<FabricStream> live = new ArrayList<>(byKey.size());
    for (FabricStream stream : byKey.values()) {
      if (stream.isLive()) {
        live.add(stream);
      }
    }
    return live;
  }

  int liveCount() {
    int count = 0;
    for (FabricStream stream : byKey.values()) {
      if (stream.isLive()) {
        count++;
      }
    }
    return count;
  }

  void closeAll() {
    byKey.values().forEach(FabricStream::close);
  }
}
