package dev.meshplane.bootstrap.jmx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the cluster extension's current state on every call, so values are never stale. */
final class ClusterView implements ClusterViewMBean {

  private static final Logger log = LoggerFactory.getLogger(ClusterView.class);

  private final Cluster cluster;

  ClusterView(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
  }

  @Override
  public String getSelfAddress() {
    return cluster.selfMember().address().toString();
  }

  @Override
  public String getSelfStatus() {
    return cluster.selfMember().status().toString();
  }

  @Override
  public String[] getSelfRoles() {
    return new TreeSet<>(cluster.selfMember().getRoles()).toArray(String[]::new);
  }

  @Override
  public String[] getMembers() {
    CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    List<String> rows = new ArrayList<>();
    for (Member member : state.getMembers()) {
      rows.add(row(member) + (unreachable.contains(member) ? " unreachable" : ""));
    }
    return rows.toArray(String[]::new);
  }

  @Override
  public String[] getUnreachableMembers() {
    return cluster.state().getUnreachable().stream()
        .map(member -> row(member) + " unreachable")
        .sorted()
        .toArray(String[]::new);
  }

  @Override
  public String getLeader() {
    Address leader = cluster.state().getLeader();
    return leader == null ? "" : leader.toString();
  }

  @Override
  public int getMemberCount() {
    int count = 0;
    for (Member ignored : cluster.state().getMembers()) {
      count++;
    }
    return count;
  }

  @Override
  public void leave() {
    Address self = cluster.selfMember().address();
    log.warn("Leave of {} requested over JMX", self);
    cluster.manager().tell(Leave.create(self));
  }

  /** Roles without spaces, so a row splits on whitespace into address, status, roles. */
  static String row(Member member) {
    return member.address() + " " + member.status() + " roles=["
        + String.join(",", new TreeSet<>(member.getRoles())) + "]";
  }
}
