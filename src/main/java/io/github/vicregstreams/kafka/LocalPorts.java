package io.github.vicregstreams.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ports on {@value EmbeddedKafkaBroker#HOST} for the broker's listeners: asked for, or free. */
final class LocalPorts {

    /** How often {@link #freeOtherThan} binds port 0 before it gives up. */
    private static final int ATTEMPTS = 10;

    // Logs under the broker's name, as it did when this code was part of it.
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private LocalPorts() {}

    /**
     * The port to listen on: {@code requested} when it is free, any free port when it is {@value
     * EmbeddedKafkaBroker#ANY_PORT}, and a free one with a warning when it is taken.
     */
    static int choose(int requested) {
        if (requested == EmbeddedKafkaBroker.ANY_PORT) {
            return freeOtherThan(-1);
        }
        if (isFree(requested)) {
            return requested;
        }
        int fallback = freeOtherThan(requested);
        log.warn(
                "Port {} on {} is taken; the embedded broker listens on free port {} instead: port=[{}]",
                requested,
                EmbeddedKafkaBroker.HOST,
                fallback,
                fallback);
        return fallback;
    }

    /**
     * Finds a free port by binding port 0. Another process could take it before the broker binds
     * it; on a developer machine or CI runner that race is rare enough to accept.
     */
    static int freeOtherThan(int excluded) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket socket = bound(0)) {
                int candidate = socket.getLocalPort();
                if (candidate != excluded) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Cannot find a free port on " + EmbeddedKafkaBroker.HOST, e);
            }
        }
        throw new IllegalStateException(
                "Cannot find a free port on "
                        + EmbeddedKafkaBroker.HOST
                        + " after "
                        + ATTEMPTS
                        + " attempts");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = bound(port)) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static ServerSocket bound(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(
                    new InetSocketAddress(InetAddress.getByName(EmbeddedKafkaBroker.HOST), port));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
