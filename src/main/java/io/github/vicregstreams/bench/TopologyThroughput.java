package io.github.vicregstreams.bench;

import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * One learner's measured rounds: the median rate, each round's rate, the bare loop's rate right
     * after each of them ({@link BareRounds}), and the costs besides the model ({@link
     * DataPathCosts}) over its rounds.
     *
     * @param variant the setting this learner had on top of the benchmark's ({@code --compare})
     */
    record Measured(
            Map<String, String> variant,
            double pairsPerSecond,
            double[] roundPairsPerSecond,
            double[] bareRoundPairsPerSecond,
            Map<String, Object> costs) {

        /** The median over the rounds of each round's rate over the bare loop's right after it. */
        double medianRatioToBareRounds() {
            double[] ratios = new double[roundPairsPerSecond.length];
            for (int round = 0; round < ratios.length; round++) {
                ratios[round] = roundPairsPerSecond[round] / bareRoundPairsPerSecond[round];
            }
            return Stats.median(ratios);
        }
    }

    /** A learner of the measurement, with its topics' traffic and its embeddings' reader. */
    private record Learner(
            String prefix,
            Map<String, String> variant,
            LearnerApp app,
            KafkaConsumer<String, byte[]> consumer,
            PairTraffic traffic)
            implements AutoCloseable {

        static Learner start(
                String bootstrap,
                Path dir,
                ModelSpec spec,
                SystemBenchOptions options,
                Map<String, String> variant) {
            String prefix = BenchLearner.randomPrefix();
            LearnerConfig config = options.learnerConfig(prefix, dir, spec, variant);
            LearnerApp app = LearnerApp.start(config, bootstrap);
            try {
                KafkaConsumer<String, byte[]> consumer =
                        BenchLearner.embeddingsReader(bootstrap, config, new StringDeserializer());
                return new Learner(
                        prefix,
                        variant,
                        app,
                        consumer,
                        PairTraffic.of(options, bootstrap, config, spec.encoderDim()));
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
        }

        @Override
        public void close() {
            consumer.close();
            app.close();
        }
    }

    private TopologyThroughput() {}

    /**
     * For each of {@link SystemBenchOptions#variants}, the median of {@code rounds} runs of {@code
     * pairs}, with their costs together, after warm-up rounds of {@code warmupPairs} each until the
     * JIT is quiet. With several variants their learners run in this one process, each on topics of
     * its own, and take their rounds in turn (round 1 of each, then round 2 of each, …), so that a
     * machine whose speed drifts touches them alike. The broker, the clients and Streams run
     * thousands of methods that the JIT compiles: measured on this 2-core machine, a C2 compiler
     * thread still spent a second of compile time per second of a 15,360-pair run after one such
     * round (10 of its 15 s of CPU), and the rate rose from 1,103 to 1,807 pairs/s with 76,800
     * pairs of warm-up. A learner runs for hours, and the bare loop it is compared to runs warm.
     *
     * @param dir where the learners keep their state
     * @return one result per variant, in their order
     */
    static List<Measured> measure(
            String bootstrap, Path dir, ModelSpec spec, SystemBenchOptions options, BareRounds bare)
            throws Exception {
        int pairs = options.pairs();
        int rounds = options.rounds();
        List<Learner> learners = new ArrayList<>();
        try (Admin admin =
                Admin.create(
                        adminConfigs(options.learnerConfig("bench-admin", dir, spec), bootstrap))) {
            for (Map<String, String> variant : options.variants()) {
                learners.add(Learner.start(bootstrap, dir, spec, options, variant));
            }
            for (Learner learner : learners) {
                BenchLearner.awaitRunning(learner.app());
                warmUp(learner, options.warmupPairs(), options.backlog());
            }
            int brokerId = DataPathCosts.brokerId(admin);
            JitShare jit = JitShare.start();
            double[][] rates = new double[learners.size()][rounds];
            double[][] bareRates = new double[learners.size()][rounds];
            List<List<Map<String, Object>>> costs = new ArrayList<>();
            learners.forEach(learner -> costs.add(new ArrayList<>()));
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < learners.size(); i++) {
                    Learner learner = learners.get(i);
                    Round next = Round.of(learner, "p" + round + "-", pairs, options.backlog());
                    DataPathCosts.Snapshot before = DataPathCosts.snapshot(admin, brokerId);
                    rates[i][round] = next.run();
                    DataPathCosts.Snapshot after = DataPathCosts.snapshot(admin, brokerId);
                    costs.get(i).add(DataPathCosts.perPair(before, after, pairs, learner.prefix()));
                    bareRates[i][round] = bare.pairsPerSecond();
                    System.out.printf(
                            Locale.ROOT,
                            "measured    round %d%s: %.0f pairs/s (bare loop right after: %.0f)%n",
                            round + 1,
                            learner.variant().isEmpty() ? "" : " " + learner.variant(),
                            rates[i][round],
                            bareRates[i][round]);
                }
            }
            double jitShare = jit.sinceStart();
            List<Measured> measured = new ArrayList<>();
            for (int i = 0; i < learners.size(); i++) {
                Map<String, Object> variantCosts = DataPathCosts.mean(costs.get(i));
                variantCosts.put("jitCompilingShare", Stats.thousandths(jitShare));
                variantCosts.put(
                        "roundPairsPerSecond",
                        Arrays.stream(rates[i]).map(Math::round).boxed().toList());
                variantCosts.put(
                        "bareRoundPairsPerSecond",
                        Arrays.stream(bareRates[i]).map(Math::round).boxed().toList());
                double[] sorted = rates[i].clone();
                Arrays.sort(sorted);
                measured.add(
                        new Measured(
                                learners.get(i).variant(),
                                sorted[rounds / 2],
                                rates[i],
                                bareRates[i],
                                variantCosts));
            }
            return measured;
        } finally {
            for (Learner learner : learners) {
                learner.close();
            }
        }
    }

    /** Unreported rounds until the JIT compiles for under {@value JitShare#QUIET} of one. */
    private static void warmUp(Learner learner, int warmupPairs, boolean backlog)
            throws InterruptedException {
        for (int round = 0; warmupPairs > 0 && round < MAX_WARMUP_ROUNDS; round++) {
            JitShare jit = JitShare.start();
            double warm = Round.of(learner, "w" + round + "-", warmupPairs, backlog).run();
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
     * One round: {@code pairs} pairs, produced from a thread of its own while the learner trains,
     * or, as a backlog, before it: sent while the learner is paused ({@code KafkaStreams.pause()}),
     * then timed from its resumption, so that the measured span holds the learner's work alone.
     */
    private record Round(Learner learner, String idPrefix, int pairs, boolean backlog) {

        /** The round, its backlog already sent when it is one. */
        static Round of(Learner learner, String idPrefix, int pairs, boolean backlog) {
            if (backlog) {
                learner.app().streams().pause();
                long start = System.nanoTime();
                learner.traffic().produce(idPrefix, pairs);
                reportProduced(
                        pairs, System.nanoTime() - start, "as a backlog, the learner paused");
            }
            return new Round(learner, idPrefix, pairs, backlog);
        }

        /**
         * Runs it and waits for all its embeddings.
         *
         * @return pairs per second from the first pair sent (or the learner resumed) to the last
         *     embedding read
         */
        double run() throws InterruptedException {
            long start = System.nanoTime();
            long[] producedNanos = new long[1];
            Thread producer = null;
            if (backlog) {
                learner.app().streams().resume();
            } else {
                producer =
                        new Thread(
                                () -> {
                                    learner.traffic().produce(idPrefix, pairs);
                                    producedNanos[0] = System.nanoTime() - start;
                                },
                                "bench-producer");
                producer.start();
            }
            int seen = 0;
            long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
            while (seen < pairs && System.nanoTime() < deadline) {
                seen += learner.consumer().poll(Duration.ofMillis(100)).count();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (producer != null) {
                producer.join();
                reportProduced(pairs, producedNanos[0], "while the learner trained");
            }
            if (seen < pairs) {
                throw new IllegalStateException(
                        "only " + seen + " of " + pairs + " embeddings arrived");
            }
            return pairs / seconds;
        }

        private static void reportProduced(int pairs, long nanos, String how) {
            System.out.printf(
                    Locale.ROOT,
                    "producer    %d pairs sent and acknowledged in %.1f s (%.0f pairs/s), %s%n",
                    pairs,
                    nanos / 1e9,
                    pairs / (nanos / 1e9),
                    how);
        }
    }

    /** The learner's admin settings (security and the like) with the benchmark's broker. */
    private static Map<String, Object> adminConfigs(LearnerConfig config, String bootstrap) {
        Map<String, Object> settings = config.adminConfigs();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return settings;
    }
}
