/** Pekko typed behaviours of a meshplane node; see the sub-packages for each service. */
package dev.meshplane.actors;
