package dev.meshplane.bootstrap;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * Per-actor-system node state that Pekko Management's health checks can reach (they are created
 * by class name with only the actor system in hand).
 */
public final class NodeState implements Extension {

  public static final Id ID = new Id();

  private final AtomicBoolean draining = new AtomicBoolean();

  public boolean draining() {
    return draining.get();
  }

  void startDraining() {
    draining.set(true);
  }

  public static NodeState get(org.apache.pekko.actor.ActorSystem system) {
    return ID.get(system);
  }

  public static final class Id extends AbstractExtensionId<NodeState> implements ExtensionIdProvider {
    @Override
    public NodeState createExtension(ExtendedActorSystem system) {
      return new NodeState();
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
