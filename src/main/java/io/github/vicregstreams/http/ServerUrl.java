package io.github.vicregstreams.http;

import java.net.InetSocketAddress;
import java.net.URI;

/** The base URL a client uses to reach a server bound to an address. */
public final class ServerUrl {

    private ServerUrl() {}

    /**
     * The URL of a bound address, e.g. {@code http://127.0.0.1:8090/}: a wildcard address is
     * reached on loopback, and an IPv6 address is bracketed.
     *
     * @param bound the address the server listens on
     * @return the URL
     */
    public static URI of(InetSocketAddress bound) {
        String host = bound.getAddress().getHostAddress();
        if (bound.getAddress().isAnyLocalAddress()) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + bound.getPort() + "/");
    }
}
