/**
 * What the project's two HTTP servers (the monitor's and the index's) share about the JDK server
 * they run on: its time-outs, and the URL of a bound address. Plain Java: it imports no other
 * package of the project.
 */
package io.github.vicregstreams.http;
