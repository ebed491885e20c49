package dev.meshplane.relay.fabric;

/**
 * Marker for the fabric's messages that cross node boundaries (the cluster discovery's question
 * and answer); bound to Jackson CBOR in this module's reference.conf. The relay has a marker of its
 * own so that it needs the serializer only, not the signal service's module.
 */
interface CborSerializable {}
