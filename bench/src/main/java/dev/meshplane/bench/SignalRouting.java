package dev.meshplane.bench;

/** Where the messages a stream sends come back: what distinguishes the two systems' load. */
enum SignalRouting {
  /**
   * The signal service: A's messages (remoteKey=B) arrive on B's stream and the other way round.
   * Streams are usable once the server sent {@code x-wiretrustee-peer-registered}.
   */
  TO_PARTNER(true),
  /**
   * The baseline echo server: each stream gets its own messages back. A plain grpc-java server
   * sends response headers with its first message, so there is no registration to wait for.
   */
  ECHOED(false);

  private final boolean awaitsRegistration;

  SignalRouting(boolean awaitsRegistration) {
    this.awaitsRegistration = awaitsRegistration;
  }

  boolean awaitsRegistration() {
    return awaitsRegistration;
  }
}
