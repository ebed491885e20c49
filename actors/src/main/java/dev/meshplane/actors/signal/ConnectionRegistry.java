package dev.meshplane.actors.signal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The signal streams open on this node. Shutdown drains them; membership changes and a periodic
 * tick re-attach them, so sessions that moved find their streams again.
 * A concurrent set rather than an actor because it is read from the shutdown hook and from
 * metrics; its one writer is {@link SignalConnections}, the connections' parent.
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

  /** Asks every stream to attach to its session again (sessions may have moved). */
  public void reattachAll() {
    for (ActorRef<SignalConnection.Command> connection : connections) {
      connection.tell(SignalConnection.Reattach.INSTANCE);
    }
  }

  /** Ends up to {@code count} open streams with UNAVAILABLE so their clients reconnect elsewhere. */
  public void drain(int count, String reason) {
    connections.stream().limit(count).forEach(c -> c.tell(new SignalConnection.Drain(reason)));
  }

  /** Ends every open stream with UNAVAILABLE, so clients reconnect to another node. */
  public void drainAll(String reason) {
    for (ActorRef<SignalConnection.Command> connection : connections) {
      connection.tell(new SignalConnection.Drain(reason));
    }
  }
}
