package dev.meshplane.bootstrap.jmx;

/** {@code dev.meshplane:type=Cluster}: this node's view of cluster membership. */
public interface ClusterViewMBean {

  /** This node's cluster address, e.g. {@code pekko://meshplane@10.0.0.5:25520}. */
  String getSelfAddress();

  /** This node's membership status, e.g. {@code Up}. */
  String getSelfStatus();

  /** This node's roles, sorted. */
  String[] getSelfRoles();

  /** One row per member: {@code ADDRESS STATUS roles=[a,b]}, with {@code unreachable} appended when so. */
  String[] getMembers();

  /** Members this node's failure detector currently considers unreachable, same row format. */
  String[] getUnreachableMembers();

  /** The leader's address as seen from this node; empty when there is none. */
  String getLeader();

  int getMemberCount();

  /** Makes this node leave the cluster gracefully; it then shuts down. */
  void leave();
}
