package dev.meshplane.actors.signal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The signal streams open on this node. Shutdown drains them; later, shard moves re-attach them.
 * A concurrent set rather than an actor because it is read from the shutdown hook and from
 * metrics, and every writer is the connection actor itself.
 */
public final class ConnectionRegistry {

  private final Set<ActorRef<SignalConnection.Command>> connections = ConcurrentHashMap.newKeySet();

  void add(ActorRef<SignalConnection.Command> connection) {
    connections.add(connection);
  }

  void remove(ActorRef<SignalConnection.Command> connection) {
    connections.remove(connection);
  }

  public int size() {
    return connections.size();
  }

  /** Ends every open stream with UNAVAILABLE, so clients reconnect to another node. */
  public void drainAll(String reason) {
    for (ActorRef<SignalConnection.Command> connection : connections) {
      connection.tell(new SignalConnection.Drain(reason));
    }
  }
}
