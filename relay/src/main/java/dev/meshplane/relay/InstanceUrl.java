package dev.meshplane.relay;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Derives the instance URL sent in the AuthResponse from the configured exposed address, with the
 * rules of openzro's relay server (docs/relay.md, Instance URL). Clients compare the result byte-for-byte with relay addresses other peers
 * advertise, so the derivation must be deterministic and identical on every node.
 */
final class InstanceUrl {

  private static final String SEPARATOR = "://";

  private InstanceUrl() {
  }

  /**
   * The URL for {@code exposedAddress}.
   *
   * @param tls whether this node terminates TLS, which picks {@code rels://} for bare addresses
   * @throws IllegalArgumentException (one line, naming the problem) if the address is unusable
   */
  static String derive(String exposedAddress, boolean tls) {
    String address = exposedAddress.strip();
    int first = address.indexOf(SEPARATOR);
    if (first < 0) {
      address = (tls ? "rels" : "rel") + SEPARATOR + address;
    } else if (address.indexOf(SEPARATOR, first + 1) >= 0) {
      throw new IllegalArgumentException(exposedAddress + " contains more than one '://'");
    }
    URI uri;
    try {
      uri = new URI(address);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(exposedAddress + " is not a valid address (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("rel") && !scheme.equals("rels")) {
      throw new IllegalArgumentException(exposedAddress + " has scheme '" + scheme + "', expected rel or rels");
    }
    if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
      throw new IllegalArgumentException(exposedAddress + " has no host");
    }
    // Go's url.URL.String() lower-cases the scheme and keeps the rest as written.
    return scheme + address.substring(address.indexOf(SEPARATOR));
  }
}
