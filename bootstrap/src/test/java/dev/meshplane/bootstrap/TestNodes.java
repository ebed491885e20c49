package dev.meshplane.bootstrap;

import com.typesafe.config.ConfigFactory;
import dev.meshplane.protocol.testkit.FreePorts;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** In-process nodes on loopback with free ports, for tests of one node's behaviour. */
final class TestNodes {

  private TestNodes() {}

  static MeshplaneNode start(Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("meshplane.host", "127.0.0.1");
    values.put("meshplane.bind-host", "127.0.0.1");
    values.put("meshplane.signal.port", 0);
    values.put("meshplane.relay.port", 0);
    values.put("meshplane.metrics.port", 0);
    values.put("meshplane.remoting.port", 0);
    values.put("meshplane.management.port", freePort());
    values.putAll(overrides);
    return MeshplaneNode.start(
        ConfigFactory.parseMap(values).withFallback(NodeConfig.load(Optional.empty(), Map.of())));
  }

  static int freePort() {
    return FreePorts.next();
  }
}
