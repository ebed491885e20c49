package dev.meshplane.bench;

/** Command line of {@code ./meshplane bench signal}. */
record SignalBenchOptions(int pairs, int seconds, int warmupSeconds, int window, int rounds) {

  static final String USAGE =
      "usage: ./meshplane bench signal [--pairs P] [--seconds S] [--warmup S] [--window W] [--rounds R]\n"
          + "  --pairs   peer pairs; each pair is two streams sending to each other (default 8)\n"
          + "  --seconds measured time per system, split over the rounds (default 10)\n"
          + "  --warmup  unmeasured load before each system's first round (default 3)\n"
          + "  --window  most messages in flight per sending stream (default 64)\n"
          + "  --rounds  the systems take turns this many times, so both see the same\n"
          + "            background load on a shared machine (default 5)";

  static SignalBenchOptions parse(String[] args) {
    return parse(args, USAGE);
  }

  /** The same options for another benchmark; {@code usage} is shown with a malformed command line. */
  static SignalBenchOptions parse(String[] args, String usage) {
    int pairs = 8;
    int seconds = 10;
    int warmup = 3;
    int window = 64;
    int rounds = 5;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value\n" + usage);
      }
      int value = number(flag, args[++i]);
      switch (flag) {
        case "--pairs" -> pairs = atLeast(flag, value, 1);
        case "--seconds" -> seconds = atLeast(flag, value, 1);
        case "--warmup" -> warmup = atLeast(flag, value, 0);
        // meshplane drops beyond 4096 queued messages per stream; a larger window would
        // measure its overload policy, not its throughput.
        case "--window" -> window = between(flag, value, 1, 4096);
        case "--rounds" -> rounds = atLeast(flag, value, 1);
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + usage);
      }
    }
    return new SignalBenchOptions(pairs, seconds, warmup, window, rounds);
  }

  /** Measured time of one round of one system. */
  long measuredMillisPerRound() {
    return seconds * 1000L / rounds;
  }

  /**
   * Unmeasured time before a round: the full warmup lets the JIT settle before the first; later
   * rounds open fresh streams on hot code and only need their windows to fill.
   */
  long warmupMillisBefore(int round) {
    return round == 0 ? warmupSeconds * 1000L : Math.min(warmupSeconds * 1000L, 1000L);
  }

  private static int number(String flag, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": '" + text + "' is not a whole number");
    }
  }

  private static int atLeast(String flag, int value, int min) {
    return between(flag, value, min, Integer.MAX_VALUE);
  }

  private static int between(String flag, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(flag + ": " + value + " is out of range ("
          + min + (max == Integer.MAX_VALUE ? " or more" : "-" + max) + ")");
    }
    return value;
  }
}
