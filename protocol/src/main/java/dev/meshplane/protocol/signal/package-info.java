/**
 * The openzro signal contract (openzro {@code signal/proto}): generated protobuf messages from
 * {@code signalexchange.proto}, header names, and method descriptors for plain grpc-java clients.
 * Server behaviour lives in {@code dev.meshplane.actors.signal}; this package only names things.
 */
package dev.meshplane.protocol.signal;
