package dev.meshplane.relay.fabric;

import dev.meshplane.protocol.relay.PeerId;
import dev.meshplane.protocol.relay.RelayProtocolLimits;
import dev.meshplane.relay.LocalPeers;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.pekko.util.ByteString;

/** The peers "connected here", as the fabric sees them, with every delivered message kept. */
final class FakeLocalPeers implements LocalPeers {

  record Delivery(PeerId destination, byte[] message) {}

  private final Set<PeerId> local = ConcurrentHashMap.newKeySet();
  final BlockingQueue<Delivery> delivered = new LinkedBlockingQueue<>();

  FakeLocalPeers(PeerId... connected) {
    local.addAll(Set.of(connected));
  }

  void connect(PeerId peer) {
    local.add(peer);
  }

  @Override
  public boolean has(PeerId peer) {
    return local.contains(peer);
  }

  @Override
  public boolean deliver(PeerId destination, ByteString transportMessage) {
    if (!local.contains(destination)) {
      return false;
    }
    delivered.add(new Delivery(destination, transportMessage.toArray()));
    return true;
  }

  /** The relay's default, openzro's read buffer. */
  @Override
  public int maxMessageSize() {
    return RelayProtocolLimits.MAX_MESSAGE_SIZE;
  }
}
