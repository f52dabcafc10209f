package io.github.vicregstreams.monitor;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.MetricsEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a running learner and serves what it sees over HTTP: a live dashboard, health checks,
 * Prometheus metrics and the latest model.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code /}</td><td>the dashboard: loss curves, projection std, throughput, effective
 *       rank and a PCA scatter plot of recent embeddings (no external resources)</td></tr>
 *   <tr><td>{@code /health}</td><td>readiness as JSON, 200 or 503 with a {@code reason} (see
 *       {@code /health/live} for liveness); the rules are on {@code Health}</td></tr>
 *   <tr><td>{@code /metrics}</td><td>Prometheus text format</td></tr>
 *   <tr><td>{@code /model}</td><td>the latest checkpoint, with {@value ModelDownload#STEP_HEADER}
 *       and {@value ModelDownload#SPEC_HEADER}; 503 before the first</td></tr>
 *   <tr><td>{@code /api/series}, {@code /api/scatter}</td><td>the dashboard's JSON</td></tr>
 * </table>
 *
 * <p>It is decoupled from the topology: it reads the learner's output topics with a consumer of its
 * own (so every instance shows the one trainer's progress) and the instance's state and metrics
 * through a {@link StreamsView}. The effective rank and the PCA are recomputed at most every {@link
 * MonitorConfig#analysisInterval()}, on a thread of their own, never on a request; a {@link
 * CollapseDetector} logs a warning when they show collapse.
 *
 * <pre>{@code
 * LearnerApp app = LearnerApp.start(config, bootstrap);
 * try (LearnerMonitor monitor = LearnerMonitor.start(
 *     MonitorConfig.defaults(),
 *     new MonitorSources(
 *         bootstrap, Map.of(), topics.metrics(), topics.embeddings(), topics.model()),
 *     StreamsView.of(app.streams()))) {
 *   System.out.println("Dashboard: " + monitor.url());
 *   ...
 * }
 * }</pre>
 */
public final class LearnerMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LearnerMonitor.class);

    private final MonitorConfig config;
    private final MonitorModel model;
    private final Clock clock;
    private final CollapseDetector detector;
    private final ScheduledExecutorService analyst;
    private final MonitorServer server;
    private OutputTopicsReader reader;

    private final Object analysisLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Guarded by analysisLock.
    private long analysedVersion = -1;

    // Guarded by detector.
    private double lastRank = Double.NaN;

    private LearnerMonitor(
            MonitorConfig config, MonitorModel model, StreamsView streams, Clock clock) {
        this.config = config;
        this.model = model;
        this.clock = clock;
        this.detector = new CollapseDetector(config.collapse());
        this.server = new MonitorServer(config, model, streams, clock);
        this.analyst =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "vicreg-monitor-analysis");
                            t.setDaemon(true);
                            return t;
                        });
        long every = config.analysisInterval().toMillis();
        analyst.scheduleWithFixedDelay(this::analyseSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the monitor: its HTTP server, its topic reader and its analysis.
     *
     * @param config where to listen and what to keep; its {@code enabled} flag is not checked here
     * @param sources where the learner's output topics are
     * @param streams the learner's Kafka Streams instance
     * @return the running monitor; close it to stop
     * @throws IllegalStateException if the port cannot be bound
     * @throws IllegalArgumentException if the address cannot be resolved
     */
    public static LearnerMonitor start(
            MonitorConfig config, MonitorSources sources, StreamsView streams) {
        Objects.requireNonNull(sources, "sources must not be null");
        LearnerMonitor monitor = startDetached(config, streams, Clock.systemUTC());
        try {
            monitor.reader =
                    new OutputTopicsReader(
                            sources,
                            monitor.model,
                            config.maxEmbeddings(),
                            config.maxSteps(),
                            monitor::onLiveMetrics,
                            monitor::onLive);
            monitor.reader.start();
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
        log.info(
                "Monitor listening: address=[{}] dashboard=[{}] health=[{}health] metrics=[{}metrics]"
                        + " model=[{}model] token=[{}]",
                monitor.server.address(),
                monitor.url(),
                monitor.url(),
                monitor.url(),
                monitor.url(),
                config.authToken().isEmpty() ? "none" : "required for /model, /metrics, /api");
        String exposure = exposureWarning(config);
        if (exposure != null) {
            log.warn(exposure);
        }
        return monitor;
    }

    /**
     * The warning for a monitor that serves the model's weights beyond this machine without a
     * token, or null when it is on loopback or has one.
     */
    static String exposureWarning(MonitorConfig config) {
        if (config.loopbackOnly() || !config.authToken().isEmpty()) {
            return null;
        }
        return "The monitor listens beyond this machine (monitor.address="
                + config.address()
                + ") without a token: anyone who reaches it can download the model's weights. Set"
                + " monitor.auth.token.";
    }

    /**
     * Starts the monitor if the configuration enables it.
     *
     * @param config where to listen and what to keep
     * @param sources where the learner's output topics are
     * @param streams the learner's Kafka Streams instance
     * @return the running monitor, or empty when disabled
     */
    public static Optional<LearnerMonitor> startIfEnabled(
            MonitorConfig config, MonitorSources sources, StreamsView streams) {
        Objects.requireNonNull(config, "config must not be null");
        return config.enabled() ? Optional.of(start(config, sources, streams)) : Optional.empty();
    }

    /** For tests: a monitor without a topic reader, fed through {@link #model()}. */
    static LearnerMonitor startDetached(MonitorConfig config, StreamsView streams, Clock clock) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(streams, "streams must not be null");
        return new LearnerMonitor(
                config,
                new MonitorModel(config.maxEmbeddings(), config.maxSteps()),
                streams,
                clock);
    }

    /**
     * The dashboard's URL ({@code http://host:port/}); the other endpoints are relative to it.
     *
     * @return the URL, with the actual port
     */
    public URI url() {
        return server.url();
    }

    /**
     * The address the server listens on.
     *
     * @return the address, with the actual port
     */
    public InetSocketAddress address() {
        return server.address();
    }

    /** Stops the server, the reader and the analysis. Safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        if (reader != null) {
            reader.close();
        }
        analyst.shutdownNow();
    }

    MonitorModel model() {
        return model;
    }

    /** Recomputes the analysis now if new embeddings arrived (the scheduled task's work). */
    void analyse() {
        synchronized (analysisLock) {
            long version = model.embeddingsVersion();
            if (version == analysedVersion) {
                return;
            }
            analysedVersion = version;
            EmbeddingAnalysis analysis =
                    EmbeddingAnalysis.compute(
                            model.recentEmbeddings(),
                            config.labelField(),
                            model.analysis(),
                            clock.millis());
            if (analysis == null) {
                return;
            }
            MetricsEvent latest = model.latestStep();
            synchronized (detector) {
                lastRank = analysis.effectiveRank();
                CollapseDetector.Verdict verdict =
                        detector.check(
                                latest == null ? analysis.maxModelStep() : latest.step(),
                                latest == null ? Double.NaN : latest.embeddingStdMean(),
                                lastRank);
                model.setAnalysis(analysis, verdict);
            }
        }
    }

    private void analyseSafely() {
        try {
            analyse();
        } catch (RuntimeException e) {
            log.warn("The monitor could not analyse the recent embeddings", e);
        }
    }

    private void onLiveMetrics(MetricsEvent event) {
        synchronized (detector) {
            model.setCollapse(detector.check(event.step(), event.embeddingStdMean(), lastRank));
        }
    }

    private void onLive() {
        MetricsEvent latest = model.latestStep();
        if (latest != null) {
            onLiveMetrics(latest);
        }
    }
}
