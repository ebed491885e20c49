package dev.meshplane.bootstrap;

/** {@code meshplane.cluster.mode}, named as in the openzro chart's {@code cluster.mode}. */
public enum ClusterMode {
  /** One node that joins itself; no discovery, no broker. */
  DISABLED,
  /** N nodes form one Pekko cluster through Cluster Bootstrap. */
  EMBEDDED,
  /** Nodes share an existing NATS or Redis with Go openzro components instead of forming a cluster. */
  EXTERNAL
}
