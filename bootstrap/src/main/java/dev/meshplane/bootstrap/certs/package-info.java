/**
 * {@code ./meshplane certs}: a private CA and one certificate per node for remoting's mutual TLS,
 * where no certificate manager runs (bare metal, tests). Certificates are built with the JDK alone
 * (a small DER writer; the JDK has no public X.509 builder), so neither the node nor its tests need
 * openssl or another library.
 */
package dev.meshplane.bootstrap.certs;
