package dev.meshplane.protocol.fabric;

/**
 * Values of the {@code reason} label on {@code relay_cluster_hello_rejects_total} (openzro
 * relay/server/cluster/metrics.go, HelloRejectReason). The labels are part of the operator-facing
 * contract: dashboards built for openzro must keep working, so the text is fixed here rather than
 * derived from names.
 */
public enum HelloRejectReason {
  HMAC_MISMATCH("hmac_mismatch"),
  UNSIGNED_BUT_REQUIRED("unsigned_but_required"),
  SIGNED_BUT_UNSUPPORTED("signed_but_unsupported"),
  STALE_TIMESTAMP("stale_timestamp"),
  MALFORMED("malformed"),
  /** Any read error of the first frame, including the 10 s deadline and truncation (handleAccepted). */
  TIMEOUT("timeout"),
  FIRST_FRAME_NOT_HELLO("first_frame_not_hello");

  private final String label;

  HelloRejectReason(String label) {
    this.label = label;
  }

  /** The exact Prometheus label value. */
  public String label() {
    return label;
  }
}
