package dev.meshplane.bootstrap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.stream.KillSwitch;

/**
 * The open connections of one {@link OperatorHttpListener}, each either busy (a request is being
 * answered) or waiting for its next request since some moment. Connections come and go at a
 * probe's pace, so one lock is enough.
 */
final class ConnectionTable {

  private final int maxConnections;
  /** By id, oldest admission first. */
  private final Map<Long, Connection> open = new LinkedHashMap<>();
  private long nextId;
  private long evicted;
  private long refused;

  ConnectionTable(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** One admitted connection; {@code closer} ends its handler flow, which closes the socket. */
  static final class Connection {
    private final long id;
    private final KillSwitch closer;
    private boolean busy;
    private long waitingSinceNanos;

    private Connection(long id, KillSwitch closer, long nowNanos) {
      this.id = id;
      this.closer = closer;
      this.waitingSinceNanos = nowNanos;
    }
  }

  /**
   * Admits a new connection. At the limit, the connection that has waited longest for a request
   * is closed to make room; when every connection is busy there is none, and the new one is not
   * admitted (empty).
   */
  synchronized Optional<Connection> admit(KillSwitch closer, long nowNanos) {
    if (open.size() >= maxConnections) {
      Connection longestWaiting = null;
      for (Connection connection : open.values()) {
        if (!connection.busy
            && (longestWaiting == null || connection.waitingSinceNanos - longestWaiting.waitingSinceNanos < 0)) {
          longestWaiting = connection;
        }
      }
      if (longestWaiting == null) {
        refused++;
        return Optional.empty();
      }
      close(longestWaiting);
      evicted++;
    }
    Connection connection = new Connection(nextId++, closer, nowNanos);
    open.put(connection.id, connection);
    return Optional.of(connection);
  }

  /** A request arrived on {@code connection}. */
  synchronized void busy(Connection connection) {
    connection.busy = true;
  }

  /** {@code connection} answered its request and waits for the next one. */
  synchronized void waiting(Connection connection, long nowNanos) {
    connection.busy = false;
    connection.waitingSinceNanos = nowNanos;
  }

  /** {@code connection} ended (either side closed it). */
  synchronized void ended(Connection connection) {
    open.remove(connection.id);
  }

  /** Closes every connection that has waited for a request longer than {@code idleTimeout}. */
  synchronized void closeIdle(long nowNanos, Duration idleTimeout) {
    long limit = idleTimeout.toNanos();
    List<Connection> idle = new ArrayList<>();
    for (Connection connection : open.values()) {
      if (!connection.busy && nowNanos - connection.waitingSinceNanos > limit) {
        idle.add(connection);
      }
    }
    idle.forEach(this::close);
  }

  synchronized void closeAll() {
    new ArrayList<>(open.values()).forEach(this::close);
  }

  /** How many connections were closed to make room, and how many refused, since the last call. */
  synchronized Pressure takePressure() {
    Pressure pressure = new Pressure(open.size(), evicted, refused);
    evicted = 0;
    refused = 0;
    return pressure;
  }

  record Pressure(int open, long evicted, long refused) {
    boolean any() {
      return evicted > 0 || refused > 0;
    }
  }

  private void close(Connection connection) {
    open.remove(connection.id);
    connection.closer.shutdown();
  }
}
