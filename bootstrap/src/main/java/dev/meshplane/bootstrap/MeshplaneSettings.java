package dev.meshplane.bootstrap;

import com.typesafe.config.Config;
import dev.meshplane.actors.signal.SignalSettings;
import dev.meshplane.config.EnvOverrides;
import dev.meshplane.config.SettingsException;
import dev.meshplane.config.SettingsReader;
import dev.meshplane.relay.RelaySettings;
import dev.meshplane.relay.fabric.FabricSettings;
import java.util.Optional;

/**
 * Every setting a node reads, read once at start-up through one {@link SettingsReader}, so that
 * every problem in every module is reported together. Services a node's roles do not run are not
 * read (and cannot stop it).
 *
 * @param fabric present when the relay runs and the fabric is on for this node
 */
public record MeshplaneSettings(
    NodeSettings node,
    ClusterSettings cluster,
    Optional<SignalSettings> signal,
    Optional<RelaySettings> relay,
    Optional<FabricSettings> fabric) {

  /**
   * Reads and checks everything in {@code config} (the whole, resolved configuration).
   *
   * @throws SettingsException naming every problem found
   */
  public static MeshplaneSettings read(Config config) {
    return SettingsReader.read(config, MeshplaneSettings::read);
  }

  private static MeshplaneSettings read(SettingsReader r) {
    NodeSettings node = NodeSettings.read(r);
    ClusterSettings cluster = ClusterSettings.read(r, node);
    Optional<SignalSettings> signal = node.runs(NodeRole.SIGNAL) ? Optional.of(SignalSettings.read(r)) : Optional.empty();
    Optional<RelaySettings> relay = Optional.empty();
    Optional<FabricSettings> fabric = Optional.empty();
    if (node.runs(NodeRole.RELAY)) {
      relay = Optional.of(RelaySettings.read(r));
      // A lone lab node makes a secret up (LabRelaySecret); nodes of a cluster must share the one
      // management signs tokens with.
      if (!relay.get().hasAuthSecret() && node.clusterMode() != ClusterMode.DISABLED) {
        String path = RelaySettings.PATH + ".auth-secret";
        r.at(RelaySettings.PATH).reject("auth-secret", "the secret management signs relay tokens with (set "
            + String.join(" or ", EnvOverrides.variablesFor(path)) + "); only a lone node in cluster mode disabled"
            + " makes one up");
      }
      FabricSettings fabricSettings = FabricSettings.read(r);
      if (fabricSettings.activeFor(node.clusterMode() == ClusterMode.EMBEDDED)) {
        fabricSettings.requireSecretUnlessTrusted(r);
        fabric = Optional.of(fabricSettings);
      }
    }
    return new MeshplaneSettings(node, cluster, signal, relay, fabric);
  }
}
