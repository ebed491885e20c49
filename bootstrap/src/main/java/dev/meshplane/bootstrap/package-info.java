/**
 * Wiring of one meshplane node: settings read once from HOCON and the environment, the Pekko
 * actor system in the configured cluster mode, whose user guardian ({@link
 * dev.meshplane.bootstrap.Guardian}) is the parent of the node's long-lived actors, the services of
 * its roles, Pekko Management health endpoints and the Prometheus endpoint (on listeners that
 * floods of idle or slow clients cannot starve), and coordinated shutdown. No domain logic lives
 * here.
 */
package dev.meshplane.bootstrap;
