/**
 * TLS material from PEM files, as operators hand it to openzro ({@code --cert-file}/{@code
 * --cert-key}, {@code --tls-cert-file}/{@code --tls-key-file}). JDK only.
 */
package dev.meshplane.protocol.tls;
