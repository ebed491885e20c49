package dev.meshplane.bootstrap.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class InspectFormattingTest {

  @Test
  void tableAlignsColumnsAndRightAlignsNumbers() {
    String table = new TextTable("NODE", "SHARDS", "ENTITIES")
        .row("pekko://meshplane@10.0.0.5:25520", "3", "120")
        .row("pekko://meshplane@10.0.0.6:25520", "12", "7")
        .render("  ");
    assertEquals(""
        + "  NODE                              SHARDS  ENTITIES\n"
        + "  pekko://meshplane@10.0.0.5:25520       3       120\n"
        + "  pekko://meshplane@10.0.0.6:25520      12         7\n", table);
  }

  @Test
  void memberRowsSplitIntoAddressStatusRolesAndFlags() {
    NodeReport.Row row = NodeReport.Row.parse(
        "pekko://meshplane@10.0.0.5:25520 Up roles=[dc-default,signal] unreachable");
    assertEquals(List.of("pekko://meshplane@10.0.0.5:25520", "Up"), row.positionals());
    assertEquals("dc-default,signal", row.roles());
    assertEquals(List.of("unreachable"), row.flags());
  }

  @Test
  void regionRowsSplitIntoFields() {
    NodeReport.Row row = NodeReport.Row.parse("pekko://meshplane@10.0.0.5:25520 shards=3 entities=120 failed=1");
    assertEquals(Map.of("shards", "3", "entities", "120", "failed", "1"), row.fields());
  }

  @Test
  void siblingNamesKeepThePortSuffix() throws Exception {
    ObjectName cluster = new ObjectName("dev.meshplane:type=Cluster,port=25521");
    assertEquals(new ObjectName("dev.meshplane:type=Signal,port=25521"), NodeReport.sibling(cluster, "Signal"));
  }

  @Test
  void targetsDefaultTheMissingHalf() {
    assertEquals(new Inspect.Target("127.0.0.1", 9010), Inspect.Target.parse(""));
    assertEquals(new Inspect.Target("10.0.0.5", 9010), Inspect.Target.parse("10.0.0.5"));
    assertEquals(new Inspect.Target("127.0.0.1", 9999), Inspect.Target.parse("9999"));
    assertEquals(new Inspect.Target("node-1", 9011), Inspect.Target.parse("node-1:9011"));
    assertEquals(new Inspect.Target("::1", 9012), Inspect.Target.parse("[::1]:9012"));
    assertEquals("[::1]:9012", Inspect.Target.parse("[::1]:9012").toString());
    assertThrows(IllegalArgumentException.class, () -> Inspect.Target.parse("node-1:http"));
    assertThrows(IllegalArgumentException.class, () -> Inspect.Target.parse("node-1:70000"));
  }
}
