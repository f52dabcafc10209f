package io.github.vicregstreams.cli;

/** Logging settings of the command line, applied before the first logger is created. */
final class Logging {

    private static final String PREFIX = "org.slf4j.simpleLogger.log.";

    private Logging() {}

    /**
     * An unreachable broker makes Kafka's network client warn every second ("Connection to node -1
     * could not be established"); the command line says it once, in its own words, instead.
     * Settings given with {@code -D} win.
     */
    static void quietClientNetworkWarnings() {
        setIfAbsent(PREFIX + "org.apache.kafka.clients.NetworkClient", "error");
        setIfAbsent(
                PREFIX + "org.apache.kafka.clients.admin.internals.AdminMetadataManager", "error");
        setIfAbsent(PREFIX + "org.apache.kafka.clients.ClientUtils", "error");
        // Start-up advice about settings the learner chose on purpose (a temporary state.dir in the
        // demo, a poll interval above the idle-connection time-out, a handler for global tables it
        // does not have).
        setIfAbsent(PREFIX + "org.apache.kafka.streams.StreamsConfig", "error");
        setIfAbsent(
                PREFIX + "org.apache.kafka.streams.processor.internals.StateDirectory", "error");
        setIfAbsent(PREFIX + "org.apache.kafka.clients.consumer.ConsumerConfig", "error");
        // DJL looks for a GPU at start-up and warns when the CUDA driver does not match: noise on
        // CPU.
        setIfAbsent(PREFIX + "ai.djl.util.cuda.CudaUtils", "error");
        setIfAbsent(PREFIX + "ai.djl.util.Platform", "warn");
        setIfAbsent(PREFIX + "ai.djl.pytorch.engine.PtEngine", "warn");
    }

    /**
     * One intra-op thread per two cores for the PyTorch engine, unless {@code
     * ai.djl.pytorch.num_threads} is set: the command line runs the broker, Kafka Streams and a
     * producer beside the model in one JVM, and libtorch's worker threads spin while they wait, so
     * on a small or busy machine a step with every core takes many times longer than with half.
     */
    static void defaultTorchThreads() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        if (System.getenv("OMP_NUM_THREADS") == null) {
            setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
