package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single lab node started with no relay secret still serves relay: it makes up a random secret
 * for this process and says so loudly, so {@code ./meshplane run} works out of the box. Nodes that
 * form a cluster must share the secret management hands to clients, so there a missing secret
 * stays a start-up error.
 */
final class LabRelaySecret {

  private static final Logger log = LoggerFactory.getLogger(LabRelaySecret.class);
  private static final String PATH = "meshplane.relay.auth-secret";

  private LabRelaySecret() {}

  static Config fillIn(Config config, NodeSettings node) {
    if (!config.getString(PATH).isEmpty() || node.clusterMode() != ClusterMode.DISABLED) {
      return config;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = HexFormat.of().formatHex(random);
    log.warn("No relay auth secret set (MESHPLANE_RELAY_AUTH_SECRET or OZ_AUTH_SECRET). Using a random one for"
        + " this process only, for labs: {} . Relay clients authenticate only with tokens signed with it.", secret);
    return config.withValue(PATH, ConfigValueFactory.fromAnyRef(secret));
  }
}
