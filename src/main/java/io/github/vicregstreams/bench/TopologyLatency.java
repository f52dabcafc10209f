package io.github.vicregstreams.bench;

import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@link SystemBenchmark}'s third phase: view-to-embedding latency of pairs produced at a steady
 * rate (half the saturation rate the second phase measured).
 */
final class TopologyLatency {

    /** How much longer than the sending the reader waits for the last embeddings. */
    private static final Duration GRACE = Duration.ofMinutes(2);

    private TopologyLatency() {}

    /**
     * Sends pairs at {@code rate} for {@code length} and times each from its send to its embedding.
     *
     * @param dir where the learner keeps its state
     * @return the rate, the pairs timed, p50 and p99 in ms, and the learner's batch window
     */
    static Map<String, Object> measure(
            String bootstrap,
            Path dir,
            ModelSpec spec,
            SystemBenchOptions options,
            double rate,
            Duration length)
            throws Exception {
        String prefix = BenchLearner.randomPrefix();
        LearnerConfig config = options.learnerConfig(prefix, dir, spec);
        int pairs = (int) (rate * length.toSeconds());
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        double[] latencies = new double[pairs];
        try (LearnerApp app = LearnerApp.start(config, bootstrap);
                KafkaConsumer<String, byte[]> consumer =
                        BenchLearner.embeddingsReader(
                                bootstrap, config, new StringDeserializer())) {
            BenchLearner.awaitRunning(app);
            PairTraffic traffic = PairTraffic.of(options, bootstrap, config, spec.encoderDim());
            Thread producer =
                    new Thread(
                            () -> {
                                long period = (long) (1e9 / rate);
                                long next = System.nanoTime();
                                try (KafkaProducer<byte[], byte[]> p = traffic.producer()) {
                                    for (int i = 0; i < pairs; i++) {
                                        while (System.nanoTime() < next) {
                                            Thread.onSpinWait();
                                        }
                                        next += period;
                                        String id = "p" + i;
                                        sentAt.put(id, System.nanoTime());
                                        traffic.send(p, i, id);
                                    }
                                }
                            },
                            "bench-producer");
            producer.start();
            int seen = 0;
            long deadline = System.nanoTime() + length.plus(GRACE).toNanos();
            while (seen < pairs && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    Long sent = sentAt.get(r.key());
                    if (sent != null && seen < pairs) {
                        latencies[seen++] = (System.nanoTime() - sent) / 1e6;
                    }
                }
            }
            producer.join();
            return report(config, rate, length, pairs, Arrays.copyOf(latencies, seen));
        }
    }

    private static Map<String, Object> report(
            LearnerConfig config, double rate, Duration length, int pairs, double[] measured) {
        Arrays.sort(measured);
        double p50 = measured[measured.length / 2];
        double p99 =
                measured[(int) Math.min(measured.length - 1, Math.floor(measured.length * 0.99))];
        System.out.printf(
                Locale.ROOT,
                "latency     %.0f pairs/s (half of saturation) for %d s: p50 %.0f ms, p99 %.0f ms"
                        + " (batch window %d ms; %d of %d pairs)%n",
                rate,
                length.toSeconds(),
                p50,
                p99,
                config.batchWindowMs(),
                measured.length,
                pairs);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ratePairsPerSecond", Math.round(rate));
        result.put("pairs", measured.length);
        result.put("p50Ms", Math.round(p50));
        result.put("p99Ms", Math.round(p99));
        result.put("batchWindowMs", config.batchWindowMs());
        return result;
    }
}
