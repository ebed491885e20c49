package dev.meshplane.protocol.fabric;

import java.util.Optional;

/**
 * A decoded fabric message. Each implementation holds its own codec; this interface adds the
 * receive-side dispatch rule.
 */
public sealed interface FabricMessage permits HelloV2, WhoHas, IHave, Fwd, Ping, Pong, NotHere, PeerLeft,
    Challenge, Proof {

  /**
   * Decodes a frame received after the handshake, or returns empty when the frame must be
   * skipped. This is openzro's receive rule (relay/server/clusterboot.go, clusterFrameRouter),
   * which is what keeps mixed-version fleets working:
   *
   * <ul>
   *   <li>WHO_HAS, I_HAVE, FWD are decoded; a bad size throws
   *       ({@link FabricProtocolException.Reason#BAD_PAYLOAD_LENGTH}). openzro closes the stream
   *       on it; the caller decides.</li>
   *   <li>PING and PONG are decoded, because meshplane nodes answer PING. One with a payload is
   *       skipped instead of failing: openzro ignores these types entirely, so they must not be
   *       able to make us close a stream it would keep.</li>
   *   <li>NOT_HERE and PEER_LEFT (meshplane extensions) are decoded when 36 bytes long, CHALLENGE
   *       and PROOF (meshplane extensions) when 32 bytes long; each is skipped otherwise.</li>
   *   <li>Everything else (a repeated HELLO, the channel types 0x10-0x13 openzro never sends, and
   *       unknown codes) is skipped without looking at the payload.</li>
   * </ul>
   */
  static Optional<FabricMessage> decodeAfterHello(FabricFrame frame) {
    Optional<FabricMessageType> type = frame.type();
    if (type.isEmpty()) {
      return Optional.empty();
    }
    // No default branch: a type added to the enum must be given a receive rule here.
    return switch (type.get()) {
      case WHO_HAS -> Optional.of(WhoHas.decode(frame));
      case I_HAVE -> Optional.of(IHave.decode(frame));
      case FWD -> Optional.of(Fwd.decode(frame));
      case PING -> frame.payloadLength() == 0 ? Optional.of(Ping.INSTANCE) : Optional.empty();
      case PONG -> frame.payloadLength() == 0 ? Optional.of(Pong.INSTANCE) : Optional.empty();
      // Extensions come only from meshplane nodes; a wrong size is skipped, never fatal,
      // so a future layout change cannot make an older node close the stream.
      case NOT_HERE -> frame.payloadLength() == NotHere.PAYLOAD_SIZE
          ? Optional.of(NotHere.decode(frame)) : Optional.empty();
      case PEER_LEFT -> frame.payloadLength() == PeerLeft.PAYLOAD_SIZE
          ? Optional.of(PeerLeft.decode(frame)) : Optional.empty();
      case CHALLENGE -> frame.payloadLength() == Challenge.PAYLOAD_SIZE
          ? Optional.of(Challenge.decode(frame)) : Optional.empty();
      case PROOF -> frame.payloadLength() == Proof.PAYLOAD_SIZE
          ? Optional.of(Proof.decode(frame)) : Optional.empty();
      case HELLO -> Optional.empty();
    };
  }
}
