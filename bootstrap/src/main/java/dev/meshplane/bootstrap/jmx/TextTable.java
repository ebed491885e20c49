package dev.meshplane.bootstrap.jmx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Plain-text table with aligned columns; numeric columns are right-aligned. */
final class TextTable {

  private static final String GAP = "  ";

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  /** @param headers column titles; none for a key/value list without a title row */
  TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  TextTable row(String... cells) {
    rows.add(Arrays.asList(cells));
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Renders each line prefixed with {@code indent} and ending in a newline. */
  String render(String indent) {
    int columns = headers.size();
    for (List<String> row : rows) {
      columns = Math.max(columns, row.size());
    }
    int[] widths = new int[columns];
    boolean[] numeric = new boolean[columns];
    Arrays.fill(numeric, !rows.isEmpty());
    for (List<String> row : allRows()) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        numeric[i] &= i < row.size() && row.get(i).matches("-?\\d+");
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : allRows()) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          line.append(GAP);
        }
        String cell = row.get(i);
        String pad = " ".repeat(widths[i] - cell.length());
        line.append(numeric[i] ? pad + cell : cell + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private List<List<String>> allRows() {
    List<List<String>> all = new ArrayList<>();
    if (!headers.isEmpty()) {
      all.add(headers);
    }
    all.addAll(rows);
    return all;
  }
}
