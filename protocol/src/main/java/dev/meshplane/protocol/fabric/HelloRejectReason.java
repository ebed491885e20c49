package dev.meshplane.protocol.fabric;

/**
 * Values of the {@code reason} label on {@code relay_cluster_hello_rejects_total}: openzro's set
 * (relay/server/cluster/metrics.go, HelloRejectReason), then meshplane's own checks, which run
 * only on a HELLO that passed every openzro check (docs/relay.md#the-fabric-between-relay-nodes).
 * The labels are part of the operator-facing contract: dashboards built for openzro must keep
 * working, so the text is fixed here rather than derived from names.
 */
public enum HelloRejectReason {
  HMAC_MISMATCH("hmac_mismatch", true),
  UNSIGNED_BUT_REQUIRED("unsigned_but_required", true),
  SIGNED_BUT_UNSUPPORTED("signed_but_unsupported", true),
  STALE_TIMESTAMP("stale_timestamp", true),
  MALFORMED("malformed", true),
  /** Any read error of the first frame, including the 10 s deadline and truncation (handleAccepted). */
  TIMEOUT("timeout", true),
  FIRST_FRAME_NOT_HELLO("first_frame_not_hello", true),

  // meshplane only: openzro accepts these HELLOs.

  /** The HELLO announces the receiving node's own address: one of its own HELLOs sent back to it. */
  OWN_ADDRESS("own_address", false),
  /** The same HELLO (address and timestamp, so the same MAC) was accepted before, within its window. */
  REPLAYED("replayed", false),
  /** The memory of accepted HELLOs is full; refusing is safer than accepting a HELLO it cannot record. */
  REPLAY_MEMORY_FULL("replay_memory_full", false);

  private final String label;
  private final boolean openzro;

  HelloRejectReason(String label, boolean openzro) {
    this.label = label;
    this.openzro = openzro;
  }

  /** The exact Prometheus label value. */
  public String label() {
    return label;
  }

  /** True for openzro's own labels; false for the checks only meshplane runs. */
  public boolean openzro() {
    return openzro;
  }
}
