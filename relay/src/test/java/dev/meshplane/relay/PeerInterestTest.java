package dev.meshplane.relay;

import static dev.meshplane.relay.InMemoryRelay.offline;
import static dev.meshplane.relay.InMemoryRelay.online;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.relay.InMemoryRelay.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One connection's peer-state subscriptions, as openzro keeps them (openzro
 * relay/server/store/listener.go): an answer with the watched peers already online, a one-shot
 * online notice, an offline notice that lasts until unsubscribed; a peer on another node counts as
 * online (openzro relay/server/peer.go, handleSubscribePeerState). Added here: one connection may
 * watch only so many peers.
 */
class PeerInterestTest {

  @RegisterExtension
  static final TestActorSystem system = TestActorSystem.forRelay("peer-interest-test");

  private final InMemoryRelay relay = new InMemoryRelay(system.get());

  private static PeerId id(String publicKey) {
    return PeerId.fromPublicKey(publicKey);
  }

  @Test
  void subscribingAnswersWithTheWatchedPeersAlreadyOnline() {
    Peer a = relay.connect("peer-a");
    Peer b = relay.connect("peer-b");
    a.connection().interest().subscribe(List.of(id("peer-x"), b.id()));
    a.expect(online(b.id()));
    a.expectNothing();
  }

  @Test
  void theOnlineNoticeIsOneShotAndTheOfflineNoticeLasts() {
    Peer a = relay.connect("peer-a");
    a.connection().interest().subscribe(List.of(id("peer-b")));
    a.expectNothing();

    Peer first = relay.connect("peer-b");
    a.expect(online(first.id()));
    first.disconnect();
    a.expect(offline(first.id()));

    Peer second = relay.connect("peer-b");
    a.expectNothing();
    second.disconnect();
    a.expect(offline(second.id()));
  }

  @Test
  void subscribingAgainRearmsTheOnlineNotice() {
    Peer a = relay.connect("peer-a");
    a.connection().interest().subscribe(List.of(id("peer-b")));
    relay.connect("peer-b").disconnect();
    a.expect(online(id("peer-b")));
    a.expect(offline(id("peer-b")));

    a.connection().interest().subscribe(List.of(id("peer-b")));
    relay.connect("peer-b");
    a.expect(online(id("peer-b")));
  }

  @Test
  void anUnsubscribedPeerIsNotReported() {
    Peer a = relay.connect("peer-a");
    a.connection().interest().subscribe(List.of(id("peer-b")));
    a.connection().interest().unsubscribe(List.of(id("peer-b")));
    relay.connect("peer-b").disconnect();
    a.expectNothing();
  }

  @Test
  void aPeerOnAnotherNodeCountsAsOnlineWhenTheFabricSaysSo() {
    AskedRemotePeers fabric = new AskedRemotePeers();
    relay.remote.set(fabric);
    Peer a = relay.connect("peer-a");
    a.connection().interest().subscribe(List.of(id("peer-elsewhere"), id("peer-nowhere")));
    a.expectNothing();

    fabric.answer(id("peer-elsewhere"), true);
    a.expect(online(id("peer-elsewhere")));
    fabric.answer(id("peer-nowhere"), false);
    a.expectNothing();

    // The notice was the one online notice; going offline is still reported.
    Peer moved = relay.connect("peer-elsewhere");
    a.expectNothing();
    moved.disconnect();
    a.expect(offline(moved.id()));
  }

  @Test
  void aClearedInterestReportsNothingMore() {
    Peer a = relay.connect("peer-a");
    a.connection().interest().subscribe(List.of(id("peer-b")));
    a.connection().interest().clear();
    Peer b = relay.connect("peer-b");
    a.expectNothing();
    a.connection().interest().subscribe(List.of(b.id()));
    a.expectNothing();
  }

  @Test
  void oneConnectionWatchesAtMostMaxWatchedPeers() {
    Peer a = relay.connect("peer-a");
    Peer b = relay.connect("peer-b");
    Peer c = relay.connect("peer-c");
    List<PeerId> watched = new ArrayList<>(List.of(b.id()));
    for (int i = 1; i < PeerInterest.MAX_WATCHED_PEERS; i++) {
      watched.add(id("offline-" + i));
    }
    a.connection().interest().subscribe(watched);
    a.expect(online(b.id()));

    a.connection().interest().subscribe(List.of(c.id()));
    a.expectNothing();
    // A peer already watched may be subscribed again at the bound.
    a.connection().interest().subscribe(List.of(b.id()));
    a.expect(online(b.id()));
  }

  /** Other nodes that answer "is this peer online?" when the test says so. */
  private static final class AskedRemotePeers implements RemotePeers {
    private final Map<PeerId, CompletableFuture<Boolean>> asked = new ConcurrentHashMap<>();

    void answer(PeerId peer, boolean online) {
      asked.computeIfAbsent(peer, ignored -> new CompletableFuture<>()).complete(online);
    }

    @Override
    public CompletionStage<Boolean> isOnline(PeerId peer) {
      return asked.computeIfAbsent(peer, ignored -> new CompletableFuture<>());
    }

    @Override
    public boolean forward(PeerId destination, ByteString transportMessage) {
      return false;
    }

    @Override
    public void peerLeft(PeerId peer) {
    }
  }
}
