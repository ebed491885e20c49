package dev.meshplane.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and certificates as openssl writes them, the way operators produce them. */
class PemSslContextsTest {

  @TempDir static Path dir;
  static Path cert;
  static Path pkcs8Key;

  @BeforeAll
  static void generate() throws Exception {
    cert = dir.resolve("tls.crt");
    pkcs8Key = dir.resolve("tls.key");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-keyout", pkcs8Key.toString(), "-out", cert.toString());
  }

  @Test
  void loadsPkcs8Key() {
    assertNotNull(PemSslContexts.fromPemFiles(cert, pkcs8Key));
  }

  @Test
  void loadsPkcs1RsaKey() throws Exception {
    Path pkcs1 = dir.resolve("rsa.key");
    openssl("rsa", "-in", pkcs8Key.toString(), "-traditional", "-out", pkcs1.toString());
    assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
    assertEquals(PemSslContexts.readPrivateKey(pkcs8Key), PemSslContexts.readPrivateKey(pkcs1));
  }

  @Test
  void loadsEcKeyInPkcs8() throws Exception {
    Path ecKey = dir.resolve("ec.key");
    Path ecCert = dir.resolve("ec.crt");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-keyout", ecKey.toString(), "-out", ecCert.toString());
    assertNotNull(PemSslContexts.fromPemFiles(ecCert, ecKey));
  }

  @Test
  void encryptedKeyIsRefusedWithHowToFixIt() throws Exception {
    Path encrypted = dir.resolve("encrypted.key");
    openssl("pkcs8", "-topk8", "-in", pkcs8Key.toString(), "-out", encrypted.toString(), "-passout", "pass:secret");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PemSslContexts.fromPemFiles(cert, encrypted));
    assertTrue(e.getMessage().contains("is encrypted"), e.getMessage());
  }

  @Test
  void garbageAndMissingFilesGetOneLineErrors() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not pem at all");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PemSslContexts.fromPemFiles(garbage, pkcs8Key))
        .getMessage().contains("holds no '-----BEGIN CERTIFICATE-----' block"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PemSslContexts.fromPemFiles(cert, garbage))
        .getMessage().contains("holds no '-----BEGIN PRIVATE KEY-----'"));
    Path badBase64 = Files.writeString(dir.resolve("bad64.pem"),
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PemSslContexts.fromPemFiles(badBase64, pkcs8Key))
        .getMessage().contains("not valid base64"));
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> PemSslContexts.fromPemFiles(dir.resolve("absent.crt"), pkcs8Key))
        .getMessage().startsWith("cannot read TLS file"));
  }

  private static void openssl(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed:\n" + output);
    }
  }
}
