package dev.meshplane.relay;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many relay connections this node holds, in two budgets and per client address
 * (docs/relay.md, Connection limits). A connection takes a handshaking slot when its upgrade is
 * accepted and moves to an authenticated one when its token is accepted, so sockets that never
 * authenticate can fill only {@code max-handshaking-connections} (and are closed after {@code
 * handshake-timeout}), never the slots of authenticated peers. Every connection, in either phase,
 * also counts against {@code max-connections-per-address} of the address it came from.
 *
 * <p>Thread-safe and lock-free apart from the per-address map's own per-key locking; upgrades,
 * handshakes and closes of different connections call it concurrently.
 */
final class ConnectionBudget {

  /** Why a connection was refused; the label is the {@code result} of {@code meshplane_relay_handshakes}. */
  enum Refusal {
    /** {@code max-connections} authenticated peers are connected. */
    CONNECTION_LIMIT,
    /** {@code max-handshaking-connections} connections have not authenticated yet. */
    HANDSHAKE_LIMIT,
    /** {@code max-connections-per-address} connections are open from the client's address. */
    ADDRESS_LIMIT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A new connection's slot, or why it got none (exactly one of the two is set). */
  record Admission(Slot slot, Refusal refusal) {
  }

  private static final int HANDSHAKING = 0;
  private static final int AUTHENTICATED = 1;
  private static final int RELEASED = 2;

  private final int maxHandshaking;
  private final int maxAuthenticated;
  private final int maxPerAddress;
  private final AtomicInteger handshaking = new AtomicInteger();
  private final AtomicInteger authenticated = new AtomicInteger();
  /** Open connections per address; an address leaves the map with its last connection. */
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  ConnectionBudget(int maxHandshaking, int maxAuthenticated, int maxPerAddress) {
    this.maxHandshaking = maxHandshaking;
    this.maxAuthenticated = maxAuthenticated;
    this.maxPerAddress = maxPerAddress;
  }

  /** The budget the settings describe. */
  static ConnectionBudget of(RelaySettings settings) {
    return new ConnectionBudget(settings.maxHandshakingConnections(), settings.maxConnections(),
        settings.maxConnectionsPerAddress());
  }

  /**
   * A handshaking slot for a new connection from {@code address}, unless the address or the
   * handshaking budget is full, or every authenticated slot is taken (the connection could not
   * become a peer, so it is refused before its upgrade rather than after its token).
   */
  Admission open(String address) {
    if (authenticated.get() >= maxAuthenticated) {
      return new Admission(null, Refusal.CONNECTION_LIMIT);
    }
    if (!takeAddress(address)) {
      return new Admission(null, Refusal.ADDRESS_LIMIT);
    }
    if (!takeBelow(handshaking, maxHandshaking)) {
      releaseAddress(address);
      return new Admission(null, Refusal.HANDSHAKE_LIMIT);
    }
    return new Admission(new Slot(address), null);
  }

  /** Connections that have not authenticated yet. */
  int handshaking() {
    return handshaking.get();
  }

  /** Connections of authenticated peers. */
  int authenticated() {
    return authenticated.get();
  }

  /** One connection's place in the budget; released exactly once, whatever its phase. */
  final class Slot {

    private final String address;
    private final AtomicInteger phase = new AtomicInteger(HANDSHAKING);

    private Slot(String address) {
      this.address = address;
    }

    /**
     * Moves the connection from the handshaking budget to the authenticated one. False if every
     * authenticated slot is taken (the slot stays a handshaking one until released), or if the
     * slot was released meanwhile.
     */
    boolean authenticate() {
      if (!takeBelow(authenticated, maxAuthenticated)) {
        return false;
      }
      if (!phase.compareAndSet(HANDSHAKING, AUTHENTICATED)) {
        authenticated.decrementAndGet();
        return false;
      }
      handshaking.decrementAndGet();
      return true;
    }

    /** Gives the slot back; later calls do nothing. */
    void release() {
      int previous = phase.getAndSet(RELEASED);
      if (previous == RELEASED) {
        return;
      }
      (previous == HANDSHAKING ? handshaking : authenticated).decrementAndGet();
      releaseAddress(address);
    }
  }

  private boolean takeAddress(String address) {
    boolean[] taken = {false};
    perAddress.compute(address, (key, open) -> {
      int count = open == null ? 0 : open;
      if (count >= maxPerAddress) {
        return open;
      }
      taken[0] = true;
      return count + 1;
    });
    return taken[0];
  }

  private void releaseAddress(String address) {
    perAddress.computeIfPresent(address, (key, open) -> open <= 1 ? null : open - 1);
  }

  private static boolean takeBelow(AtomicInteger counter, int limit) {
    while (true) {
      int current = counter.get();
      if (current >= limit) {
        return false;
      }
      if (counter.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }
}
