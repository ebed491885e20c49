package dev.meshplane.relay.fabric;

import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;

/** Settings of a fabric node under test: listening on 127.0.0.1, port 0, with a cluster secret. */
public final class FabricTestSettings {

  private FabricTestSettings() {
  }

  /** With {@code overrides} (keys relative to meshplane.relay.fabric). */
  public static FabricSettings loopback(String secret, Map<String, Object> overrides) {
    Map<String, Object> config = new HashMap<>(Map.of(
        "meshplane.relay.fabric.host", "127.0.0.1",
        "meshplane.relay.fabric.port", 0,
        "meshplane.relay.fabric.secret", secret));
    overrides.forEach((key, value) -> config.put("meshplane.relay.fabric." + key, value));
    return FabricSettings.fromConfig(ConfigFactory.parseMap(config));
  }
}
