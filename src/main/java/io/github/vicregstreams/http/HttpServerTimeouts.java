package io.github.vicregstreams.http;

/**
 * The time-outs of the JDK's HTTP server ({@code com.sun.net.httpserver}), which serves the monitor
 * and the index. The JDK reads them from system properties once, when the first server of the JVM
 * is made; without them it waits for ever, and slow clients can hold every thread. So every class
 * that makes a server calls {@link #apply()} first: whichever server comes first, both get the
 * time-outs. A value the user set on the command line wins.
 */
public final class HttpServerTimeouts {

    /** A request not fully received within this many seconds is dropped. */
    public static final int MAX_REQUEST_SECONDS = 10;

    /** A response not fully sent within this many seconds is cut (a 16 MB model at ~300 KB/s). */
    public static final int MAX_RESPONSE_SECONDS = 60;

    private HttpServerTimeouts() {}

    /** Sets the time-outs, unless the user set them; call before making any server. */
    public static void apply() {
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
    }

    private static void setIfAbsent(String property, int seconds) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, String.valueOf(seconds));
        }
    }
}
