package io.github.vicregstreams.monitor;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.topology.LearnerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How the learner's monitor runs: where its HTTP server listens and what it keeps.
 *
 * <p>Start from {@link #defaults()} and change what you need with the {@code withX} methods:
 *
 * <pre>{@code
 * MonitorConfig config = MonitorConfig.defaults().withPort(0); // any free port
 * }</pre>
 *
 * @param enabled whether the learner starts a monitor at all (the caller checks it, see {@link
 *     LearnerMonitor#startIfEnabled})
 * @param address the address the HTTP server binds to; the default, {@value #DEFAULT_ADDRESS},
 *     keeps it off the network (use {@code 0.0.0.0} to serve every interface, e.g. in a container)
 * @param port the TCP port, 0 for any free one
 * @param labelField the metadata field whose value colours the embeddings in the scatter plot
 * @param maxEmbeddings how many recent embeddings are kept for the scatter plot and the effective
 *     rank
 * @param maxSteps how many recent metrics events are kept for the curves
 * @param analysisInterval how often the effective rank and the PCA of the recent embeddings are
 *     recomputed (never on a request)
 * @param collapse the collapse warning thresholds
 * @param maxSkippedSteps after this many consecutive skipped training steps (non-finite loss) the
 *     learner is reported not ready; 0 never
 * @param authToken the bearer token that {@code /model}, {@code /metrics} and {@code /api/...}
 *     require ({@code Authorization: Bearer <token>}), or empty for none; the health endpoints and
 *     the page itself stay open. Without one, a monitor bound off loopback serves the model's
 *     weights to anyone who reaches it, and says so in a warning at start.
 */
public record MonitorConfig(
        boolean enabled,
        String address,
        int port,
        String labelField,
        int maxEmbeddings,
        int maxSteps,
        Duration analysisInterval,
        CollapseDetector.Thresholds collapse,
        int maxSkippedSteps,
        String authToken) {

    /** Default bind address: loopback only. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1";

    /** Default port. */
    public static final int DEFAULT_PORT = 8080;

    /** The port value that asks for any free port. */
    public static final int ANY_PORT = 0;

    /** Default metadata field for the scatter plot's colours. */
    public static final String DEFAULT_LABEL_FIELD = "label";

    /** Default number of recent embeddings kept. */
    public static final int DEFAULT_MAX_EMBEDDINGS = 1_000;

    /** Default number of recent metrics events kept. */
    public static final int DEFAULT_MAX_STEPS = 2_000;

    /** Default analysis interval. */
    public static final Duration DEFAULT_ANALYSIS_INTERVAL = Duration.ofSeconds(2);

    /** Default number of consecutive skipped steps that makes the learner not ready. */
    public static final int DEFAULT_MAX_SKIPPED_STEPS = 10;

    /**
     * Creates a configuration.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public MonitorConfig {
        Objects.requireNonNull(address, "address must not be null");
        if (address.isBlank()) {
            throw new IllegalArgumentException(
                    "address must not be blank. Got: \"" + address + "\"");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535. Got: " + port);
        }
        Objects.requireNonNull(labelField, "labelField must not be null");
        if (maxEmbeddings < 2) {
            throw new IllegalArgumentException(
                    "maxEmbeddings must be at least 2. Got: " + maxEmbeddings);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1. Got: " + maxSteps);
        }
        Objects.requireNonNull(analysisInterval, "analysisInterval must not be null");
        if (analysisInterval.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "analysisInterval must be at least 1 ms. Got: " + analysisInterval);
        }
        Objects.requireNonNull(collapse, "collapse must not be null");
        if (maxSkippedSteps < 0) {
            throw new IllegalArgumentException(
                    "maxSkippedSteps must be at least 0. Got: " + maxSkippedSteps);
        }
        Objects.requireNonNull(authToken, "authToken must not be null (empty for none)");
    }

    /**
     * The defaults: enabled, on {@value #DEFAULT_ADDRESS}:{@value #DEFAULT_PORT}.
     *
     * @return the default configuration
     */
    public static MonitorConfig defaults() {
        return new MonitorConfig(
                true,
                DEFAULT_ADDRESS,
                DEFAULT_PORT,
                DEFAULT_LABEL_FIELD,
                DEFAULT_MAX_EMBEDDINGS,
                DEFAULT_MAX_STEPS,
                DEFAULT_ANALYSIS_INTERVAL,
                CollapseDetector.Thresholds.DEFAULTS,
                DEFAULT_MAX_SKIPPED_STEPS,
                "");
    }

    /**
     * Returns a copy with another enabled flag.
     *
     * @param enabled whether to start the monitor
     * @return the copy
     */
    public MonitorConfig withEnabled(boolean enabled) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Returns a copy with another bind address.
     *
     * @param address a host name or IP address
     * @return the copy
     */
    public MonitorConfig withAddress(String address) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Returns a copy with another port.
     *
     * @param port the TCP port, 0 for any free one
     * @return the copy
     */
    public MonitorConfig withPort(int port) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Returns a copy with another label field.
     *
     * @param labelField the metadata field that colours the scatter plot
     * @return the copy
     */
    public MonitorConfig withLabelField(String labelField) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Returns a copy with another analysis interval.
     *
     * @param analysisInterval how often the embeddings are analysed
     * @return the copy
     */
    public MonitorConfig withAnalysisInterval(Duration analysisInterval) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Returns a copy with other collapse thresholds.
     *
     * @param collapse the thresholds
     * @return the copy
     */
    public MonitorConfig withCollapse(CollapseDetector.Thresholds collapse) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Returns a copy with another skipped-steps limit.
     *
     * @param maxSkippedSteps consecutive skipped steps that make the learner not ready, 0 never
     * @return the copy
     */
    public MonitorConfig withMaxSkippedSteps(int maxSkippedSteps) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Returns this configuration with another bearer token.
     *
     * @param authToken the token, or empty for none
     * @return the new configuration
     */
    public MonitorConfig withAuthToken(String authToken) {
        return new MonitorConfig(
                enabled,
                address,
                port,
                labelField,
                maxEmbeddings,
                maxSteps,
                analysisInterval,
                collapse,
                maxSkippedSteps,
                authToken);
    }

    /**
     * Whether the monitor binds to loopback only (a name that resolves to a loopback address).
     *
     * @return true for 127.0.0.1, ::1, localhost
     */
    public boolean loopbackOnly() {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Hides the token. */
    @Override
    public String toString() {
        return "MonitorConfig[enabled="
                + enabled
                + ", address="
                + address
                + ", port="
                + port
                + ", authToken="
                + (authToken.isEmpty() ? "none" : "(set)")
                + "]";
    }

    /**
     * The monitor a learner configuration asks for ({@code monitor.*}, {@code collapse.*}), with
     * the defaults for what it does not set.
     *
     * @param config the learner's configuration
     * @return the monitor's configuration
     */
    public static MonitorConfig from(LearnerConfig config) {
        return defaults()
                .withEnabled(config.monitorEnabled())
                .withAddress(config.monitorAddress())
                .withPort(config.monitorPort())
                .withCollapse(config.collapseThresholds())
                .withAuthToken(config.monitorAuthToken());
    }
}
