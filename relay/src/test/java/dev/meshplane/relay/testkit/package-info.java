/**
 * Test helpers the relay module shares with other modules' tests through its test-jar: a relay
 * peer on the JDK's WebSocket client, for tests against in-process servers and node processes.
 */
package dev.meshplane.relay.testkit;
