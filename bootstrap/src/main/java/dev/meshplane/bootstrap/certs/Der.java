package dev.meshplane.bootstrap.certs;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Just enough DER (ITU-T X.690) to write an X.509 v3 certificate: each method returns one whole
 * encoded element (tag, length, contents). The JDK parses certificates but has no public API to
 * build one; the certificates written here are read back by the JDK's own parser in the tests.
 */
final class Der {

  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final int CONTEXT_CONSTRUCTED = 0xa0;
  private static final int CONTEXT_PRIMITIVE = 0x80;

  /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  private static final Instant GENERALIZED_TIME_FROM = Instant.parse("2050-01-01T00:00:00Z");
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private Der() {}

  static byte[] sequence(byte[]... elements) {
    return element(SEQUENCE, concat(elements));
  }

  /** A SET with one element (a set of several would have to be sorted). */
  static byte[] setOf(byte[] element) {
    return element(SET, element);
  }

  static byte[] integer(BigInteger value) {
    // toByteArray is two's complement in the fewest bytes: exactly DER's INTEGER contents.
    return element(0x02, value.toByteArray());
  }

  static byte[] bool(boolean value) {
    return element(0x01, new byte[] {(byte) (value ? 0xff : 0x00)});
  }

  static byte[] nullValue() {
    return new byte[] {0x05, 0x00};
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return element(0x06, out.toByteArray());
  }

  static byte[] utf8String(String value) {
    return element(0x0c, value.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] octetString(byte[] contents) {
    return element(0x04, contents);
  }

  /** A BIT STRING of whole bytes (signatures, keys). */
  static byte[] bitString(byte[] bytes) {
    return bitString(bytes, 0);
  }

  /** A BIT STRING whose last {@code unusedBits} bits are padding (named bit lists such as key usage). */
  static byte[] bitString(byte[] bytes, int unusedBits) {
    return element(0x03, concat(new byte[] {(byte) unusedBits}, bytes));
  }

  static byte[] time(Instant instant) {
    return instant.isBefore(GENERALIZED_TIME_FROM)
        ? element(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII))
        : element(0x18, GENERALIZED_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code [number] EXPLICIT}: the element wrapped in a context-specific constructed tag. */
  static byte[] explicit(int number, byte[] element) {
    return element(CONTEXT_CONSTRUCTED | number, element);
  }

  /** {@code [number] IMPLICIT} for a primitive type: its contents under a context-specific tag. */
  static byte[] implicit(int number, byte[] contents) {
    return element(CONTEXT_PRIMITIVE | number, contents);
  }

  /** The contents of one encoded element: what follows its tag and length. */
  static byte[] contents(byte[] element) {
    int first = element[1] & 0xff;
    int offset = 2;
    if (first >= 0x80) {
      offset += first & 0x7f;
    }
    byte[] contents = new byte[element.length - offset];
    System.arraycopy(element, offset, contents, 0, contents.length);
    return contents;
  }

  private static byte[] element(int tag, byte[] contents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
    out.write(tag);
    int length = contents.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(contents);
    return out.toByteArray();
  }

  private static void base128(ByteArrayOutputStream out, long value) {
    int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
    for (int i = groups - 1; i >= 0; i--) {
      int group = (int) ((value >>> (7 * i)) & 0x7f);
      out.write(i > 0 ? group | 0x80 : group);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
