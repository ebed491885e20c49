package dev.meshplane.bootstrap.jmx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;

/**
 * The tables {@code ./meshplane inspect} prints for one node, read from its MBeans by
 * attribute name only, so this works against any meshplane version that has them.
 *
 * <p>An attribute that cannot be read (a sharding query that timed out, a bean that is absent)
 * is shown as {@code unavailable (...)} and the rest is still printed.
 */
final class NodeReport {

  private final MBeanServerConnection connection;
  private final ObjectName cluster;
  private final ObjectName sharding;
  private final ObjectName signal;
  private final ObjectName relay;

  /**
   * @param cluster the node's Cluster MBean; its Sharding, Signal and Relay MBeans share its key
   *     properties
   */
  NodeReport(MBeanServerConnection connection, ObjectName cluster) {
    this.connection = connection;
    this.cluster = cluster;
    this.sharding = sibling(cluster, "Sharding");
    this.signal = sibling(cluster, "Signal");
    this.relay = sibling(cluster, "Relay");
  }

  String render() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("Node ").append(text(cluster, "SelfAddress")).append("  (").append(cluster).append(")\n\n");
    renderCluster(out);
    out.append('\n');
    renderSharding(out);
    out.append('\n');
    renderSignal(out);
    out.append('\n');
    renderRelay(out);
    return out.toString();
  }

  private void renderCluster(StringBuilder out) throws IOException {
    out.append("Cluster\n");
    String leader = text(cluster, "Leader");
    out.append(new TextTable()
        .row("self", text(cluster, "SelfAddress") + " (" + text(cluster, "SelfStatus") + ")")
        .row("roles", text(cluster, "SelfRoles"))
        .row("leader", leader.isEmpty() ? "(none)" : leader)
        .row("members", text(cluster, "MemberCount"))
        .row("unreachable", count(cluster, "UnreachableMembers"))
        .render("  "));
    out.append('\n');
    try {
      TextTable members = new TextTable("ADDRESS", "STATUS", "ROLES", "REACHABLE");
      for (String row : rows(cluster, "Members")) {
        Row member = Row.parse(row);
        members.row(member.positional(0), member.positional(1), member.roles(),
            member.flags().contains("unreachable") ? "no" : "yes");
      }
      out.append(members.render("  "));
    } catch (Unavailable e) {
      out.append("  members: ").append(e.getMessage()).append('\n');
    }
  }

  private void renderSharding(StringBuilder out) throws IOException {
    if (!connection.isRegistered(sharding)) {
      out.append("Sharding\n  (no ").append(sharding).append(" MBean)\n");
      return;
    }
    out.append("Sharding (").append(text(sharding, "EntityType")).append(")\n");
    try {
      TextTable regions = new TextTable("NODE", "SHARDS", "ENTITIES");
      List<String> regionRows = rows(sharding, "Regions");
      long shards = 0;
      long entities = 0;
      for (String row : regionRows) {
        Row region = Row.parse(row);
        String failed = region.fields().containsKey("failed") ? " (" + region.field("failed") + " failed)" : "";
        regions.row(region.positional(0), region.field("shards") + failed, region.field("entities"));
        shards += parseOrZero(region.field("shards"));
        entities += parseOrZero(region.field("entities"));
      }
      if (regionRows.size() > 1) {
        regions.row("total", String.valueOf(shards), String.valueOf(entities));
      }
      out.append(regions.isEmpty() ? "  (no regions: no node has started peer sessions)\n" : regions.render("  "));
    } catch (Unavailable e) {
      out.append("  regions: ").append(e.getMessage()).append('\n');
    }
    out.append("  this node: ").append(text(sharding, "LocalShards")).append(" shards, ")
        .append(text(sharding, "LocalEntities")).append(" entities\n");
  }

  private void renderSignal(StringBuilder out) throws IOException {
    if (!connection.isRegistered(signal)) {
      out.append("Signal\n  (not running on this node)\n");
      return;
    }
    out.append("Signal\n");
    out.append(new TextTable()
        .row("connected peers", text(signal, "ConnectedPeers"))
        .row("open streams", text(signal, "OpenStreams"))
        .row("messages forwarded", text(signal, "MessagesForwarded"))
        .row("messages buffered", text(signal, "MessagesBuffered"))
        .row("messages dropped", text(signal, "MessagesDroppedTotal"))
        .render("  "));
    out.append('\n');
    try {
      TextTable dropped = new TextTable("DROP REASON", "COUNT");
      for (String row : rows(signal, "MessagesDropped")) {
        Row reason = Row.parse(row);
        dropped.row(reason.positional(0), reason.positional(1));
      }
      out.append(dropped.render("  "));
    } catch (Unavailable e) {
      out.append("  dropped by reason: ").append(e.getMessage()).append('\n');
    }
  }

  private void renderRelay(StringBuilder out) throws IOException {
    if (!connection.isRegistered(relay)) {
      out.append("Relay\n  (not running on this node)\n");
      return;
    }
    out.append("Relay\n");
    String address = text(relay, "FabricAddress");
    TextTable table = new TextTable()
        .row("local peers", text(relay, "LocalPeers"))
        .row("fabric", address.isEmpty() ? "(off)" : address);
    if (!address.isEmpty()) {
      String streams = text(relay, "FabricStreams");
      table.row("fabric streams", streams.isEmpty() ? "(none)" : streams)
          .row("meshplane streams", text(relay, "MeshplaneStreams"))
          .row("locator cache", text(relay, "LocatorCacheSize"))
          .row("forwards", text(relay, "Forwards"));
    }
    out.append(table.render("  "));
  }

  /** A scalar attribute as text; a String[] is joined with ", ". */
  private String text(ObjectName name, String attribute) throws IOException {
    try {
      Object value = read(name, attribute);
      return value instanceof String[] list ? String.join(", ", list) : String.valueOf(value);
    } catch (Unavailable e) {
      return e.getMessage();
    }
  }

  private String count(ObjectName name, String attribute) throws IOException {
    try {
      return String.valueOf(rows(name, attribute).size());
    } catch (Unavailable e) {
      return e.getMessage();
    }
  }

  private List<String> rows(ObjectName name, String attribute) throws IOException, Unavailable {
    Object value = read(name, attribute);
    if (value instanceof String[] rows) {
      return Arrays.asList(rows);
    }
    throw new Unavailable("not a list: " + value);
  }

  /** The attribute's value; a failing attribute is {@link Unavailable}, a broken connection an IOException. */
  private Object read(ObjectName name, String attribute) throws IOException, Unavailable {
    try {
      return connection.getAttribute(name, attribute);
    } catch (RuntimeMBeanException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new Unavailable(cause.getMessage());
    } catch (JMException e) {
      throw new Unavailable(e.getMessage());
    }
  }

  /** An attribute that could not be read; its message is what the table shows instead. */
  private static final class Unavailable extends Exception {
    Unavailable(String reason) {
      super("unavailable (" + reason + ")", null, false, false);
    }
  }

  private static long parseOrZero(String number) {
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static ObjectName sibling(ObjectName cluster, String type) {
    try {
      Hashtable<String, String> keys = new Hashtable<>(cluster.getKeyPropertyList());
      keys.put("type", type);
      return new ObjectName(cluster.getDomain(), keys);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("cannot derive " + type + " MBean name from " + cluster, e);
    }
  }

  /**
   * One MBean row such as {@code pekko://meshplane@10.0.0.5:25520 Up roles=[a,b] unreachable}:
   * leading plain words are positional, {@code key=value} words are fields, plain words after the
   * first field are flags.
   */
  record Row(List<String> positionals, Map<String, String> fields, List<String> flags) {

    static Row parse(String row) {
      List<String> positionals = new ArrayList<>();
      Map<String, String> fields = new LinkedHashMap<>();
      List<String> flags = new ArrayList<>();
      for (String word : row.trim().split("\\s+")) {
        int eq = word.indexOf('=');
        // An address like pekko://a@h:1 has no '='; a field name is a plain word before it.
        if (eq > 0 && word.substring(0, eq).matches("[A-Za-z]+")) {
          fields.put(word.substring(0, eq), word.substring(eq + 1));
        } else if (fields.isEmpty()) {
          positionals.add(word);
        } else {
          flags.add(word);
        }
      }
      return new Row(positionals, fields, flags);
    }

    String positional(int index) {
      return index < positionals.size() ? positionals.get(index) : "";
    }

    String field(String key) {
      return fields.getOrDefault(key, "");
    }

    /** {@code roles=[a,b]} as {@code a,b}. */
    String roles() {
      String roles = field("roles");
      return roles.startsWith("[") && roles.endsWith("]") ? roles.substring(1, roles.length() - 1) : roles;
    }
  }
}
