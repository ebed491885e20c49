package dev.meshplane.actors;

/**
 * Marker for messages that cross node boundaries; bound to Jackson CBOR in reference.conf. CBOR
 * keeps opaque signal bodies as byte strings instead of base64 text.
 */
public interface CborSerializable {}
