package dev.meshplane.bootstrap.certs;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text (RFC 7468): base64 of DER between BEGIN and END lines. */
final class Pem {

  static final String CERTIFICATE = "CERTIFICATE";
  /** PKCS#8, unencrypted: one of the two key forms Pekko's remoting reads. */
  static final String PRIVATE_KEY = "PRIVATE KEY";

  private Pem() {}

  static String encode(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** The DER bytes of the first {@code label} block in {@code text}. */
  static byte[] decode(String text, String label) {
    Matcher block = Pattern.compile("-----BEGIN " + label + "-----(.*?)-----END " + label + "-----", Pattern.DOTALL)
        .matcher(text);
    if (!block.find()) {
      throw new IllegalArgumentException("no '-----BEGIN " + label + "-----' block");
    }
    return Base64.getMimeDecoder().decode(block.group(1));
  }
}
