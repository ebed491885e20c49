package dev.meshplane.bench;

/**
 * Latencies in nanoseconds, counted in log-linear buckets: 64 buckets per power of two, so a
 * percentile is exact to within 1/64 (about 1.6 %) at any magnitude, in a fixed ~18 KB per
 * instance however long the run. Not thread-safe: each {@link SignalFlow} owns one and the
 * results are merged after the run.
 */
final class SignalLatencyHistogram {

  private static final int SUB_BUCKET_BITS = 6;
  private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  /** Values up to 2^40 ns (about 18 minutes); anything longer lands in the last bucket. */
  private static final int MAX_EXPONENT = 40;
  private static final int BUCKETS = (MAX_EXPONENT - SUB_BUCKET_BITS + 2) * SUB_BUCKETS;

  private final long[] counts = new long[BUCKETS];
  private long total;

  void record(long nanos) {
    counts[bucketOf(Math.max(0, nanos))]++;
    total++;
  }

  void addAll(SignalLatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  long count() {
    return total;
  }

  /** The value below which {@code fraction} of the recorded latencies lie, in nanoseconds. */
  long percentile(double fraction) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(fraction * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return upperBoundOf(i);
      }
    }
    return upperBoundOf(BUCKETS - 1);
  }

  /** Values below 64 get a bucket each; above, the top 7 significant bits pick the bucket. */
  private static int bucketOf(long value) {
    if (value < SUB_BUCKETS) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value);
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int shift = exponent - SUB_BUCKET_BITS;
    int sub = (int) (value >>> shift) & (SUB_BUCKETS - 1);
    return (shift + 1) * SUB_BUCKETS + sub;
  }

  /** The largest value that falls into {@code bucket}: percentiles never under-report. */
  private static long upperBoundOf(int bucket) {
    if (bucket < SUB_BUCKETS) {
      return bucket;
    }
    int shift = bucket / SUB_BUCKETS - 1;
    long sub = bucket % SUB_BUCKETS;
    return (((long) SUB_BUCKETS + sub + 1) << shift) - 1;
  }
}
