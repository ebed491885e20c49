package dev.meshplane.bootstrap;

import dev.meshplane.config.EnvOverrides;
import dev.meshplane.relay.RelaySettings;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single lab node started with no relay secret still serves relay: it makes up a random secret
 * for this process and says so loudly, so {@code ./meshplane run} works out of the box. Nodes that
 * form a cluster must share the secret management hands to clients, so there a missing secret
 * stays a start-up error ({@link MeshplaneSettings}).
 */
final class LabRelaySecret {

  private static final Logger log = LoggerFactory.getLogger(LabRelaySecret.class);

  private LabRelaySecret() {}

  static RelaySettings fillIn(RelaySettings relay) {
    if (relay.hasAuthSecret()) {
      return relay;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = HexFormat.of().formatHex(random);
    log.warn("No relay auth secret set ({}). Using a random one for this process only, for labs: {} . Relay clients"
        + " authenticate only with tokens signed with it.",
        String.join(" or ", EnvOverrides.variablesFor(RelaySettings.PATH + ".auth-secret")), secret);
    return relay.withAuthSecret(secret);
  }
}
