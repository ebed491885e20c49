package dev.meshplane.bootstrap;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Pekko Management's routes ({@code /alive}, {@code /ready}, cluster HTTP, Cluster Bootstrap's
 * contact point) on the management port. Served by an {@link OperatorHttpListener} rather than
 * {@code PekkoManagement.start()}, whose server takes its limits from the node-wide
 * {@code pekko.http.server} settings and queues connections beyond them, so that idle or
 * slow-header connections cannot make the health checks time out.
 */
final class ManagementEndpoint {

  private ManagementEndpoint() {}

  static CompletionStage<OperatorHttpListener> start(ActorSystem<?> system, NodeSettings settings) {
    // Asking for the routes also hands Cluster Bootstrap its own contact point (this node's
    // advertised management address), as PekkoManagement.start() would.
    PekkoManagement management = PekkoManagement.get(system.classicSystem());
    return OperatorHttpListener.start(system, "management", settings.managementBindHost(), settings.managementPort(),
        settings.managementLimits(), management.getRoutes().handler(system.classicSystem()));
  }
}
