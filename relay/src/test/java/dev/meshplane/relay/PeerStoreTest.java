package dev.meshplane.relay;

import static dev.meshplane.relay.InMemoryRelay.offline;
import static dev.meshplane.relay.InMemoryRelay.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayMessageCodec;
import dev.meshplane.relay.InMemoryRelay.Peer;
import dev.meshplane.testkit.Await;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node-local peer store: one entry per peer ID, replacement by a newer connection, removal
 * that a replaced connection cannot do, and the watcher index that tells subscribers about their
 * peers only. Connections are real and authenticate, but over in-memory streams.
 */
class PeerStoreTest {

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.forRelay("peer-store-test");

  private final InMemoryRelay relay = new InMemoryRelay(system.get());

  @Test
  void anAuthenticatedConnectionIsTheEntryForItsId() {
    Peer a = relay.connect("peer-a");
    PeerId absent = PeerId.fromPublicKey("peer-x");
    assertSame(a.connection(), relay.store.get(a.id()));
    assertTrue(relay.store.contains(a.id()));
    assertNull(relay.store.get(absent));
    assertFalse(relay.store.contains(absent));
    assertEquals(1, relay.store.size());
  }

  @Test
  void aNewerConnectionReplacesTheOlderWhoseTeardownCannotRemoveIt() throws Exception {
    Peer first = relay.connect("peer-a");
    Peer second = relay.connect("peer-a");
    assertSame(second.connection(), relay.store.get(second.id()));
    assertEquals(1, relay.store.size());
    // The store handed the older connection back to be closed.
    first.connection().terminated().toCompletableFuture().get(InMemoryRelay.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertFalse(relay.store.unregister(first.connection()), "the older connection is no longer the entry");
    assertSame(second.connection(), relay.store.get(second.id()));
  }

  @Test
  void removingTheEntryTellsItsWatchersOnce() {
    Peer watcher = relay.connect("peer-w");
    PeerId b = PeerId.fromPublicKey("peer-b");
    watcher.connection().interest().subscribe(List.of(b));
    Peer peerB = relay.connect("peer-b");
    watcher.expect(online(b));

    assertTrue(relay.store.unregister(peerB.connection()), "peer-b is gone from this node");
    watcher.expect(offline(b));
    assertFalse(relay.store.contains(b));
    assertFalse(relay.store.unregister(peerB.connection()), "already removed");
    watcher.expectNothing();
  }

  @Test
  void theTeardownOfAReplacedConnectionTellsNoWatcher() {
    Peer watcher = relay.connect("peer-w");
    PeerId b = PeerId.fromPublicKey("peer-b");
    watcher.connection().interest().subscribe(List.of(b));
    relay.connect("peer-b");
    watcher.expect(online(b));

    Peer newer = relay.connect("peer-b");
    watcher.expectNothing();
    newer.disconnect();
    watcher.expect(offline(b));
  }

  @Test
  void onlyTheWatchersOfAPeerAreTold() {
    Peer watchesB = relay.connect("peer-w1");
    Peer watchesC = relay.connect("peer-w2");
    watchesB.connection().interest().subscribe(List.of(PeerId.fromPublicKey("peer-b")));
    watchesC.connection().interest().subscribe(List.of(PeerId.fromPublicKey("peer-c")));
    Peer b = relay.connect("peer-b");
    watchesB.expect(online(b.id()));
    watchesC.expectNothing();
  }

  @Test
  void aWatcherTakenOutOfTheIndexIsNotTold() {
    Peer kept = relay.connect("peer-w1");
    Peer removed = relay.connect("peer-w2");
    PeerId b = PeerId.fromPublicKey("peer-b");
    kept.connection().interest().subscribe(List.of(b));
    removed.connection().interest().subscribe(List.of(b));
    relay.store.removeWatcher(b, removed.connection());
    relay.connect("peer-b");
    kept.expect(online(b));
    removed.expectNothing();
  }

  @Test
  void connectionsStartIdleAndTransportMakesBothEndsActive() {
    Peer a = relay.connect("peer-a");
    Peer b = relay.connect("peer-b");
    relay.connect("peer-c");
    assertEquals(0, relay.store.countActiveWithin(RelayMetrics.ACTIVE_WINDOW_NANOS), "new connections are idle");

    a.send(RelayMessageCodec.encodeTransport(b.id(), new byte[] {1}));
    b.expect(RelayMessageCodec.encodeTransport(a.id(), new byte[] {1}));
    Await.until(InMemoryRelay.WAIT, "sender and receiver active",
        () -> relay.store.countActiveWithin(RelayMetrics.ACTIVE_WINDOW_NANOS) == 2);
  }
}
