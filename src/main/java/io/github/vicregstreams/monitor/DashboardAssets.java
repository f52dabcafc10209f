package io.github.vicregstreams.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's static files (page, script, style sheet), read once from the classpath and served
 * from memory by path.
 */
final class DashboardAssets {

    private static final String RESOURCES = "/io/github/vicregstreams/monitor/";

    /** The policy sent with every asset: nothing loads from elsewhere (images also from data:). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:";

    /** A file and its content type. */
    record Asset(String contentType, byte[] body) {}

    private final Map<String, Asset> byPath = new LinkedHashMap<>();

    /**
     * Reads the files.
     *
     * @throws IllegalStateException if one is missing from the classpath
     */
    DashboardAssets() {
        Asset page = read("dashboard.html", "text/html; charset=utf-8");
        byPath.put("/", page);
        byPath.put("/index.html", page);
        byPath.put("/dashboard.js", read("dashboard.js", "text/javascript; charset=utf-8"));
        byPath.put("/dashboard.css", read("dashboard.css", "text/css; charset=utf-8"));
    }

    /** The asset served at {@code path}, or null when it is not one. */
    Asset find(String path) {
        return byPath.get(path);
    }

    private static Asset read(String name, String contentType) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The dashboard resource "
                                + RESOURCES
                                + name
                                + " is missing from the classpath");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
