package io.github.vicregstreams.bench;

import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@link SystemBenchmark}'s second phase: pairs per second through the topology with a producer
 * faster than the trainer, and what they cost besides the model ({@link DataPathCosts}).
 */
final class TopologyThroughput {

    /** At most this many warm-up rounds, quiet JIT or not. */
    private static final int MAX_WARMUP_ROUNDS = 10;

    /** How long one round may wait for its embeddings. */
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(10);

    /** The measured run: its rate, and its costs besides the model ({@link DataPathCosts}). */
    record Measured(double pairsPerSecond, Map<String, Object> costs) {}

    private TopologyThroughput() {}

    /**
     * The median of {@code rounds} runs of {@code pairs}, with their costs together, after warm-up
     * rounds of {@code warmupPairs} each until the JIT is quiet. The broker, the clients and
     * Streams run thousands of methods that the JIT compiles: measured on this 2-core machine, a C2
     * compiler thread still spent a second of compile time per second of a 15,360-pair run after
     * one such round (10 of its 15 s of CPU), and the rate rose from 1,103 to 1,807 pairs/s with
     * 76,800 pairs of warm-up. A learner runs for hours, and the bare loop it is compared to runs
     * warm.
     *
     * @param dir where the learner keeps its state
     */
    static Measured measure(String bootstrap, Path dir, ModelSpec spec, SystemBenchOptions options)
            throws Exception {
        String prefix = BenchLearner.randomPrefix();
        LearnerConfig config = options.learnerConfig(prefix, dir, spec);
        int pairs = options.pairs();
        int rounds = options.rounds();
        try (LearnerApp app = LearnerApp.start(config, bootstrap);
                KafkaConsumer<String, byte[]> consumer =
                        BenchLearner.embeddingsReader(bootstrap, config, new StringDeserializer());
                Admin admin = Admin.create(adminConfigs(config, bootstrap))) {
            BenchLearner.awaitRunning(app);
            PairTraffic traffic = PairTraffic.of(options, bootstrap, config, spec.encoderDim());
            warmUp(traffic, consumer, options.warmupPairs());
            int brokerId = DataPathCosts.brokerId(admin);
            DataPathCosts.Snapshot before = DataPathCosts.snapshot(admin, brokerId);
            JitShare jit = JitShare.start();
            double[] rates = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                rates[round] = timedRun(traffic, consumer, "p" + round + "-", pairs);
                System.out.printf(
                        Locale.ROOT,
                        "measured    round %d: %.0f pairs/s%n",
                        round + 1,
                        rates[round]);
            }
            double jitShare = jit.sinceStart();
            DataPathCosts.Snapshot after = DataPathCosts.snapshot(admin, brokerId);
            Map<String, Object> costs =
                    DataPathCosts.perPair(before, after, (long) pairs * rounds, prefix);
            costs.put("jitCompilingShare", Stats.thousandths(jitShare));
            costs.put(
                    "roundPairsPerSecond", Arrays.stream(rates).map(Math::round).boxed().toList());
            Arrays.sort(rates);
            return new Measured(rates[rounds / 2], costs);
        }
    }

    /** Unreported rounds until the JIT compiles for under {@value JitShare#QUIET} of one. */
    private static void warmUp(
            PairTraffic traffic, KafkaConsumer<String, byte[]> consumer, int warmupPairs)
            throws InterruptedException {
        for (int round = 0; warmupPairs > 0 && round < MAX_WARMUP_ROUNDS; round++) {
            JitShare jit = JitShare.start();
            double warm = timedRun(traffic, consumer, "w" + round + "-", warmupPairs);
            double jitShare = jit.sinceStart();
            System.out.printf(
                    Locale.ROOT,
                    "warm-up     %d pairs at %.0f pairs/s, JIT compiling %.0f%% of the time (not reported)%n",
                    warmupPairs,
                    warm,
                    jitShare * 100);
            if (jitShare < JitShare.QUIET) {
                break;
            }
        }
    }

    /**
     * Produces the pairs from a thread of its own and waits for all their embeddings.
     *
     * @return pairs per second from the first pair sent to the last embedding read
     */
    private static double timedRun(
            PairTraffic traffic, KafkaConsumer<String, byte[]> consumer, String idPrefix, int pairs)
            throws InterruptedException {
        long start = System.nanoTime();
        long[] producedNanos = new long[1];
        Thread producer =
                new Thread(
                        () -> {
                            traffic.produce(idPrefix, pairs);
                            producedNanos[0] = System.nanoTime() - start;
                        },
                        "bench-producer");
        producer.start();
        int seen = 0;
        long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
        while (seen < pairs && System.nanoTime() < deadline) {
            seen += consumer.poll(Duration.ofMillis(100)).count();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        producer.join();
        System.out.printf(
                Locale.ROOT,
                "producer    %d pairs sent and acknowledged in %.1f s (%.0f pairs/s)%n",
                pairs,
                producedNanos[0] / 1e9,
                pairs / (producedNanos[0] / 1e9));
        if (seen < pairs) {
            throw new IllegalStateException(
                    "only " + seen + " of " + pairs + " embeddings arrived");
        }
        return pairs / seconds;
    }

    /** The learner's admin settings (security and the like) with the benchmark's broker. */
    private static Map<String, Object> adminConfigs(LearnerConfig config, String bootstrap) {
        Map<String, Object> settings = config.adminConfigs();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return settings;
    }
}
