package dev.meshplane.bench;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ./meshplane bench NAME [ARGS]}: dispatches to one benchmark's main class. */
public final class Bench {

  private static final Map<String, String> BENCHMARKS = new LinkedHashMap<>();

  static {
    BENCHMARKS.put("signal", "dev.meshplane.bench.SignalBench");
    BENCHMARKS.put("signal-cluster", "dev.meshplane.bench.SignalClusterBench");
    BENCHMARKS.put("relay", "dev.meshplane.bench.RelayBench");
    BENCHMARKS.put("relay-fabric", "dev.meshplane.bench.RelayFabricBench");
  }

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !BENCHMARKS.containsKey(args[0])) {
      System.err.println("usage: ./meshplane bench NAME [ARGS]; NAME is one of " + BENCHMARKS.keySet());
      System.exit(2);
    }
    Class<?> main;
    try {
      main = Class.forName(BENCHMARKS.get(args[0]));
    } catch (ClassNotFoundException e) {
      System.err.println("benchmark '" + args[0] + "' is not part of this build");
      System.exit(2);
      return;
    }
    Method entry = main.getMethod("main", String[].class);
    entry.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}
