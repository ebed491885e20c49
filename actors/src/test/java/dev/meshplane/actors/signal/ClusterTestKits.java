package dev.meshplane.actors.signal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;

/** Configuration for test kits whose actors need the cluster extension (not a formed cluster). */
final class ClusterTestKits {

  private ClusterTestKits() {}

  /** A cluster node on a free loopback port, able to share the JVM with other test systems. */
  static Config clusterNode() {
    return ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n")
        .withFallback(ConfigFactory.load());
  }

  /**
   * {@link #clusterNode()} with the scheduler under the test's control. Terminating skips
   * coordinated shutdown: leaving a cluster waits on timers, which never fire on manual time.
   */
  static Config clusterNodeWithManualTime() {
    return ConfigFactory.parseString(
            "pekko.coordinated-shutdown.run-by-actor-system-terminate = off\n"
                + "pekko.coordinated-shutdown.terminate-actor-system = off\n")
        .withFallback(ManualTime.config())
        .withFallback(clusterNode());
  }
}
