package io.github.vicregstreams.bench;

import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;

/**
 * The broker a benchmark talks to: a broker of another process when one is given (the project's
 * {@code broker} command, pinned to other cores with {@code taskset}, so that the benchmark's CPU
 * is the learner's alone), else an embedded one in this process, stopped on close.
 */
final class BenchBroker implements AutoCloseable {

    private final EmbeddedKafkaBroker embedded;
    private final String external;

    private BenchBroker(EmbeddedKafkaBroker embedded, String external) {
        this.embedded = embedded;
        this.external = external;
    }

    /**
     * Opens the broker.
     *
     * @param external {@code host:port} of a broker in another process, or null for an embedded one
     * @param dataDir where an embedded broker keeps its log, or null for a directory of its own
     * @return the broker, started
     */
    static BenchBroker open(String external, Path dataDir) {
        if (external != null) {
            return new BenchBroker(null, external);
        }
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder();
        if (dataDir != null) {
            builder.optDataDir(dataDir);
        }
        return new BenchBroker(builder.build().start(), null);
    }

    String bootstrapServers() {
        return external != null ? external : embedded.bootstrapServers();
    }

    /** How the report names it: {@code embedded}, or {@code separate process at host:port}. */
    String label() {
        return label(external);
    }

    /** How the report names the broker {@link #open} gives for {@code external}. */
    static String label(String external) {
        return external != null ? "separate process at " + external : "embedded";
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
