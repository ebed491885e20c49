package dev.meshplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The typed readers: what each accepts, what it refuses, and how a refusal reads. */
class SettingsReaderTest {

  private enum Colour { RED, DARK_BLUE }

  private static <T> T read(String hocon, Function<SettingsReader, T> reader) {
    return SettingsReader.read(ConfigFactory.parseString(hocon), reader);
  }

  private static SettingProblem refused(String hocon, Function<SettingsReader, ?> reader) {
    SettingsException e = assertThrows(SettingsException.class, () -> read(hocon, reader));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @ParameterizedTest(name = "port {0}")
  @CsvSource({"0, 0", "1, 1", "65535, 65535", "'\"10000\"', 10000"})
  void portsFromZeroTo65535(String value, int expected) {
    assertEquals(expected, (int) read("a.port = " + value, r -> r.at("a").port("port")));
  }

  @ParameterizedTest(name = "port {0}")
  @CsvSource({"-1", "65536", "ten", "1.5", "'\"\"'"})
  void portsOutsideTheRangeAreRefused(String value) {
    SettingProblem problem = refused("a.port = " + value, r -> r.at("a").port("port"));
    assertEquals("a.port", problem.key());
    assertEquals("a port (1-65535, or 0 for any free port)", problem.accepted());
  }

  @Test
  void anEmptyOptionalPortIsOff() {
    assertEquals(OptionalInt.empty(), read("p = \"\"", r -> r.optionalPort("p")));
    assertEquals(OptionalInt.of(9010), read("p = 9010", r -> r.optionalPort("p")));
    refused("p = x", r -> r.optionalPort("p"));
  }

  @ParameterizedTest(name = "duration {0}")
  @CsvSource({"500ms, 500", "10s, 10000", "2m, 120000", "250, 250"})
  void durationsAreHoconDurations(String value, long millis) {
    assertEquals(Duration.ofMillis(millis), read("d = " + value, r -> r.duration("d")));
    assertEquals(Duration.ofMillis(millis), read("d = " + value, r -> r.durationOrZero("d")));
  }

  @ParameterizedTest(name = "duration {0}")
  @CsvSource({"-1s", "soon", "0s"})
  void durationsAreNeverNegativeAndZeroOnlyWhereItMeansOff(String value) {
    SettingProblem problem = refused("d = " + value, r -> r.duration("d"));
    assertTrue(problem.accepted().startsWith("a duration greater than zero"), problem.line());
    if (!value.equals("0s")) {
      refused("d = " + value, r -> r.durationOrZero("d"));
    }
    assertEquals(Duration.ZERO, read("d = 0s", r -> r.durationOrZero("d")));
  }

  @Test
  void aMissingKeyIsAProblemNeverAZero() {
    for (Function<SettingsReader, ?> reader : List.<Function<SettingsReader, ?>>of(
        r -> r.duration("absent"), r -> r.durationOrZero("absent"), r -> r.port("absent"),
        r -> r.count("absent", 0, 9), r -> r.bool("absent"), r -> r.string("absent"), r -> r.secret("absent"),
        r -> r.oneOf("absent", Colour.class), r -> r.bytes("absent", 0, 9), r -> r.number("absent", 0, 1))) {
      SettingProblem problem = refused("other = 1", reader);
      assertEquals("absent", problem.key());
      assertEquals("<missing>", problem.value());
      assertEquals("nowhere", problem.source());
    }
  }

  @Test
  void countsAndSizesHaveBounds() {
    assertEquals(16, (int) read("q = 16", r -> r.count("q", 16, 32)));
    assertEquals("a whole number from 16 to 32", refused("q = 15", r -> r.count("q", 16, 32)).accepted());
    refused("q = 33", r -> r.count("q", 16, 32));
    refused("q = many", r -> r.count("q", 16, 32));
    assertEquals(65_536L, (long) read("s = 64KiB", r -> r.bytes("s", 0, 1 << 20)));
    assertEquals(8820L, (long) read("s = 8820", r -> r.bytes("s", 0, 9000)));
    refused("s = 9001", r -> r.bytes("s", 0, 9000));
    refused("s = -1", r -> r.bytes("s", 0, 9000));
    assertEquals(0.2, (double) read("f = 0.2", r -> r.number("f", 0, 10)));
    refused("f = 11", r -> r.number("f", 0, 10));
  }

  @Test
  void enumerationsAreWrittenInLowerCaseWithDashes() {
    assertEquals(Colour.DARK_BLUE, read("c = dark-blue", r -> r.oneOf("c", Colour.class)));
    assertEquals(Colour.RED, read("c = \" RED \"", r -> r.oneOf("c", Colour.class)));
    SettingProblem problem = refused("c = dark_blue", r -> r.oneOf("c", Colour.class));
    assertEquals("red, dark-blue", problem.accepted());
    assertEquals(EnumSet.of(Colour.RED, Colour.DARK_BLUE), read("c = \"red, dark-blue\"", r -> r.someOf("c", Colour.class)));
    refused("c = \"red,green\"", r -> r.someOf("c", Colour.class));
    refused("c = \"\"", r -> r.someOf("c", Colour.class));
  }

  @Test
  void booleansHostsAndLists() {
    assertTrue((boolean) read("b = on", r -> r.bool("b")));
    assertFalse((boolean) read("b = \"false\"", r -> r.bool("b")));
    refused("b = perhaps", r -> r.bool("b"));
    assertEquals("10.0.0.1", read("h = \" 10.0.0.1 \"", r -> r.host("h")));
    refused("h = \"\"", r -> r.host("h"));
    refused("h = \"a b\"", r -> r.host("h"));
    refused("h = \"http://a\"", r -> r.host("h"));
    assertEquals(Optional.empty(), read("h = \"\"", r -> r.optionalHost("h")));
    assertEquals(List.of("a", "b:2"), read("l = \" a, ,b:2 \"", r -> r.list("l")));
  }

  @Test
  void filesMustBeReadable(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("cert.pem"), "x");
    assertEquals(Optional.of(file), read("f = \"" + file + "\"", r -> r.optionalFile("f")));
    assertEquals(Optional.empty(), read("f = \"\"", r -> r.optionalFile("f")));
    assertEquals("a readable file, or empty",
        refused("f = \"" + dir.resolve("absent.pem") + "\"", r -> r.optionalFile("f")).accepted());
  }

  @Test
  void filePairsComeTogetherAndPassTheirCheck(@TempDir Path dir) throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "y");
    String both = "c = \"" + cert + "\"\nk = \"" + key + "\"";
    SettingsReader.PairCheck accept = (first, second) -> { };
    assertEquals(Optional.of(new SettingsReader.FilePair(cert, key)),
        read(both, r -> r.filePair("c", "k", "loadable", accept)));
    assertEquals(Optional.empty(), read("c = \"\"\nk = \"\"", r -> r.filePair("c", "k", "loadable", accept)));
    SettingProblem alone = refused("c = \"" + cert + "\"\nk = \"\"", r -> r.filePair("c", "k", "loadable", accept));
    assertEquals("k", alone.key());
    assertEquals("a file set together with c, or neither", alone.accepted());
    SettingProblem unusable = refused(both, r -> r.filePair("c", "k", "a key that fits", (first, second) -> {
      throw new IllegalArgumentException("the key does not match");
    }));
    assertEquals("c", unusable.key());
    assertEquals("a key that fits (the key does not match)", unusable.accepted());
  }

  @Test
  void aSecretIsReturnedRawAndNeverShown() {
    assertEquals(" s3cret ", read("s = \" s3cret \"", r -> r.secret("s")));
    SettingProblem problem = refused("s = hunter2", r -> {
      r.secret("s");
      r.reject("s", "something else");
      return null;
    });
    assertEquals("<redacted>", problem.value());
    assertFalse(problem.line().contains("hunter2"), problem.line());
  }

  @Test
  void everyProblemIsGatheredAndCrossChecksWaitForCleanValues() {
    SettingsException e = assertThrows(SettingsException.class, () -> read("a { min = -1s, max = soon, port = x }", r -> {
      SettingsReader a = r.at("a");
      Duration min = a.duration("min");
      Duration max = a.duration("max");
      a.port("port");
      if (a.ok("min", "max") && max.compareTo(min) < 0) {
        a.reject("max", "at least min");
      }
      return null;
    }));
    assertEquals(List.of("a.min", "a.max", "a.port"), e.problems().stream().map(SettingProblem::key).toList());
    assertEquals(3, e.getMessage().lines().count(), "one line each");
  }

  @Test
  void theSourceNamesTheVariableTheFileOrTheDefault(@TempDir Path dir) throws IOException {
    Config env = EnvOverrides.from(Map.of("MESHPLANE_SIGNAL_PORT", "x", "OZ_CLUSTER_PORT", "y", "MESHPLANE_FABRIC_PORT", "z"));
    SettingsException fromEnv = assertThrows(SettingsException.class, () -> SettingsReader.read(env, r -> {
      r.port("meshplane.signal.port");
      r.port("meshplane.relay.fabric.port");
      return null;
    }));
    assertEquals("env MESHPLANE_SIGNAL_PORT", fromEnv.problem("meshplane.signal.port").source());
    assertEquals("env MESHPLANE_FABRIC_PORT", fromEnv.problem("meshplane.relay.fabric.port").source(),
        "the meshplane name wins over openzro's");

    Path file = Files.writeString(dir.resolve("node.conf"), "# comment\nmeshplane.metrics.port = 99999\n");
    Config fromFile = ConfigFactory.parseFile(file.toFile());
    SettingProblem problem = assertThrows(SettingsException.class,
        () -> SettingsReader.read(fromFile, r -> r.port("meshplane.metrics.port"))).problems().get(0);
    assertEquals("file " + file + ":2", problem.source());
    assertEquals("invalid setting meshplane.metrics.port = 99999 (from file " + file + ":2); accepted: a port"
        + " (1-65535, or 0 for any free port)", problem.line());
  }

  @Test
  void theEnvironmentTableNamesEveryVariableOfASetting() {
    assertEquals(List.of("MESHPLANE_FABRIC_SECRET", "OZ_CLUSTER_AUTH_SECRET"),
        EnvOverrides.variablesFor("meshplane.relay.fabric.secret"));
    assertEquals(List.of(), EnvOverrides.variablesFor("meshplane.nothing"));
    Config config = EnvOverrides.from(Map.of("OZ_AUTH_SECRET", "theirs", "UNRELATED", "x"));
    assertEquals("theirs", config.getString("meshplane.relay.auth-secret"));
    assertEquals(1, config.entrySet().size());
  }
}
