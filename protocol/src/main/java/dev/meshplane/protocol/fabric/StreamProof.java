package dev.meshplane.protocol.fabric;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * The PROOF a meshplane node gives for one stream: that it holds the fabric secret, bound to this
 * stream so it cannot be used on another (docs/relay.md#the-fabric-between-relay-nodes). openzro
 * has nothing like it; its HELLO proves only the dialer, and only that somebody signed that HELLO
 * within the last five minutes, so a HELLO captured by whoever a node dials can be replayed to
 * another node.
 *
 * <pre>
 *  proof = HMAC-SHA256(cluster secret, message)
 *  message:
 *    "meshplane-fabric-proof-v1"   25 bytes, ASCII
 *    role                          1 byte: 0x01 the prover dialed the stream, 0x02 it accepted it
 *    prover length, prover         uint16 BE, UTF-8: the prover's own announce address
 *    verifier length, verifier     uint16 BE, UTF-8: the address the prover knows the verifier by
 *    nonce                         32 bytes, the verifier's CHALLENGE
 * </pre>
 *
 * <p>Why each part is there:
 * <ul>
 *   <li>The nonce is fresh per stream and chosen by the verifier, so an old proof is worthless.</li>
 *   <li>The verifier's address is the one the prover dialed (or, for an acceptor, the one in the
 *       dialer's HELLO). A rogue node that passes another node's challenge on to a node dialing
 *       it gets a proof naming itself, which the other node refuses.</li>
 *   <li>The role stops a rogue that holds two accepted streams (each opened with a replayed HELLO)
 *       from passing one acceptor's proof off as the other side's dialer proof.</li>
 *   <li>The label keeps these MACs apart from HELLO MACs made with the same key: a HELLO's signed
 *       bytes start with its version, 0x02, never with {@code 'm'}.</li>
 * </ul>
 *
 * Both ends must spell an address alike: each is compared in {@link #canonicalAddress canonical
 * form}, so a node must be dialed at the address it announces (it is already the key of its
 * stream on both sides).
 */
public final class StreamProof {

  /** Size of a CHALLENGE nonce: as long as the MAC, so guessing one is no easier than forging it. */
  public static final int NONCE_SIZE = 32;

  /** Size of a PROOF: one HMAC-SHA256. */
  public static final int SIZE = HelloAuth.MAC_SIZE;

  private static final byte[] LABEL = "meshplane-fabric-proof-v1".getBytes(StandardCharsets.US_ASCII);

  /** Which end of the stream the prover is. */
  public enum Role {
    /** The prover opened the TCP connection and sent the HELLO. */
    DIALER(0x01),
    /** The prover accepted the connection and checked the HELLO. */
    ACCEPTOR(0x02);

    private final int code;

    Role(int code) {
      this.code = code;
    }

    /** The role of the other end of the same stream. */
    public Role other() {
      return this == DIALER ? ACCEPTOR : DIALER;
    }
  }

  private StreamProof() {}

  /**
   * The proof {@code prover} gives {@code verifier} for the nonce the verifier sent.
   *
   * @param secret   the cluster secret's UTF-8 bytes, non-empty (without a secret there is nothing to prove)
   * @param role     the prover's end of the stream
   * @param prover   the prover's announce address, {@code host:port}
   * @param verifier the verifier's address as the prover knows it, {@code host:port}
   * @param nonce    the verifier's CHALLENGE nonce
   */
  public static byte[] compute(byte[] secret, Role role, String prover, String verifier, byte[] nonce) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("a stream proof needs the cluster secret");
    }
    if (nonce.length != NONCE_SIZE) {
      throw new IllegalArgumentException("nonce must be " + NONCE_SIZE + " bytes, got " + nonce.length);
    }
    ByteArrayOutputStream message = new ByteArrayOutputStream(LABEL.length + 1 + 4 + 2 * 64 + NONCE_SIZE);
    message.writeBytes(LABEL);
    message.write(Objects.requireNonNull(role, "role").code);
    writeAddress(message, prover);
    writeAddress(message, verifier);
    message.writeBytes(nonce);
    byte[] bytes = message.toByteArray();
    return HelloAuth.hmacSha256(secret, bytes, 0, bytes.length);
  }

  /** Whether {@code proof} is the one {@link #compute} gives for these inputs, compared in constant time. */
  public static boolean verify(byte[] proof, byte[] secret, Role role, String prover, String verifier,
      byte[] nonce) {
    return HelloAuth.macEquals(compute(secret, role, prover, verifier, nonce), proof);
  }

  /**
   * {@code host:port} spelled one way: an IPv6 literal in the JDK's full form (a DNS answer gives
   * {@code fd00:0:0:0:0:0:0:1} where a pod's own IP may read {@code fd00::1}), anything else in
   * lower case. Only a bracketed literal is parsed, which never asks DNS; host names are compared as
   * written.
   */
  public static String canonicalAddress(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
      try {
        return "[" + InetAddress.getByName(host).getHostAddress() + "]" + address.substring(colon);
      } catch (UnknownHostException notALiteral) {
        // Not a valid IPv6 literal: compared as written, like a host name.
      }
    }
    return address.toLowerCase(Locale.ROOT);
  }

  private static void writeAddress(ByteArrayOutputStream out, String address) {
    byte[] bytes = canonicalAddress(address).getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("address of " + bytes.length + " bytes");
    }
    out.write(bytes.length >>> 8);
    out.write(bytes.length);
    out.writeBytes(bytes);
  }
}
