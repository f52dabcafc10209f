package io.github.vicregstreams.bench;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.BackfillSensors;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Backfill speed against the inference path's, in one run on one embedded broker: (a) samples
 * through {@code embed-samples} (versions off, {@code inference.batch.size=32}), events/s from the
 * first embedding to the last; (b) the same number of items already in the items topic, embedded
 * again by the backfill when the trainer promotes version 1, items/s from the first embedding of
 * the version to the last. Both exactly-once, one partition, one stream thread, default model.
 *
 * <p>Run it with {@code -Dai.djl.pytorch.num_threads=1} for per-core numbers. Arguments (all
 * optional): {@code --items=20000 --input-dim=784 --rounds=3 --out=FILE}. Each phase runs one
 * unreported warm-up round first; the table gives every round and the JSON the medians.
 */
public final class BackfillBenchmark {

    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final byte[] VERSION_FIELD = "\"modelVersion\"".getBytes(StandardCharsets.UTF_8);

    private BackfillBenchmark() {}

    /**
     * Runs the benchmark and prints a table; writes JSON when {@code --out} is given.
     *
     * @param args see the class comment
     * @throws Exception if the results file cannot be written or the broker fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.parse(args);
        int items = Integer.parseInt(options.getOrDefault("items", "20000"));
        int inputDim = Integer.parseInt(options.getOrDefault("input-dim", "784"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        Map<String, Object> report = BenchReport.start("backfill");
        report.put("items", items);
        report.put("inputDim", inputDim);
        Path dir = Files.createTempDirectory("backfill-bench");
        List<Double> inference = new ArrayList<>();
        List<Double> backfill = new ArrayList<>();
        System.out.printf(
                Locale.ROOT,
                "%d items of dim %d, exactly-once, 1 partition, 1 stream thread, torch threads %s%n",
                items,
                inputDim,
                MachineInfo.describe().get("torchThreads"));
        System.out.printf(
                Locale.ROOT, "%-8s %22s %22s%n", "round", "inference events/s", "backfill items/s");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            List<byte[]> samples =
                    SampleTraffic.samples(
                            RandomMatrices.uniform(
                                    new Random(7), SampleTraffic.DISTINCT_SAMPLES, inputDim),
                            items);
            for (int round = 0; round <= rounds; round++) {
                double a = inferencePath(bootstrap, dir, inputDim, samples, round);
                double b = backfill(bootstrap, dir, inputDim, samples, round);
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %22.0f %22.0f%n",
                        round == 0 ? "warm-up" : Integer.toString(round),
                        a,
                        b);
                if (round > 0) {
                    inference.add(a);
                    backfill.add(b);
                }
            }
        }
        double inferenceMedian = Stats.median(inference.stream().mapToDouble(d -> d).toArray());
        double backfillMedian = Stats.median(backfill.stream().mapToDouble(d -> d).toArray());
        System.out.printf(
                Locale.ROOT,
                "median: inference %.0f events/s, backfill %.0f items/s, ratio %.2f%n",
                inferenceMedian,
                backfillMedian,
                backfillMedian / inferenceMedian);
        report.put("inferenceEventsPerSecond", Math.round(inferenceMedian));
        report.put("backfillItemsPerSecond", Math.round(backfillMedian));
        report.put("inferenceRounds", inference);
        report.put("backfillRounds", backfill);
        String out = options.get("out");
        if (out != null) {
            BenchReport.write(Path.of(out), report);
        }
    }

    /** (a): samples through embed-samples, versions off. */
    private static double inferencePath(
            String bootstrap, Path dir, int inputDim, List<byte[]> samples, int round)
            throws InterruptedException {
        LearnerConfig config = config(dir, "inference-" + round, inputDim, Map.of());
        return phase(
                bootstrap,
                config,
                config.topics().samples(),
                samples,
                streams -> {},
                value -> true);
    }

    /** (b): items already stored, embedded again when version 1 is promoted. */
    private static double backfill(
            String bootstrap, Path dir, int inputDim, List<byte[]> items, int round)
            throws InterruptedException {
        LearnerConfig config =
                config(
                        dir,
                        "backfill-" + round,
                        inputDim,
                        Map.of(
                                LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG,
                                1L,
                                LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG,
                                1));
        SampleTraffic.Started promote =
                streams -> {
                    awaitStoredItems(streams, items.size());
                    SampleTraffic.produce(
                            bootstrap, config, config.topics().pairEvents(), pairEvents(inputDim));
                };
        // Only embeddings with a model version count: not the training step's.
        return phase(
                bootstrap,
                config,
                config.topics().items(),
                items,
                promote,
                value -> contains(value, VERSION_FIELD));
    }

    private static LearnerConfig config(
            Path dir, String prefix, int inputDim, Map<String, Object> more) {
        Map<String, Object> settings = new HashMap<>(more);
        settings.put(LearnerConfig.EMBEDDING_FORMAT_CONFIG, "f32");
        return SampleTraffic.config(dir, prefix, inputDim, settings);
    }

    /**
     * Sends {@code values} to {@code topic}, starts the learner, runs {@code started}, and returns
     * the rate of the first {@code values.size()} embeddings that pass {@code counted}.
     */
    private static double phase(
            String bootstrap,
            LearnerConfig config,
            String topic,
            List<byte[]> values,
            SampleTraffic.Started started,
            Predicate<byte[]> counted)
            throws InterruptedException {
        new TopicSetup(config).apply(bootstrap, Duration.ofSeconds(30));
        SampleTraffic.produce(bootstrap, config, topic, values);
        return SampleTraffic.run(bootstrap, config, started, values.size(), counted, TIMEOUT)
                .perSecond();
    }

    /** Waits until the backfill's store holds every item, so that (b) times the walk alone. */
    private static void awaitStoredItems(KafkaStreams streams, int items)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            double stored =
                    streams.metrics().values().stream()
                            .filter(m -> m.metricName().name().equals(BackfillSensors.ITEMS))
                            .mapToDouble(m -> ((Number) m.metricValue()).doubleValue())
                            .max()
                            .orElse(0);
            if (stored >= items) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The backfill did not store " + items + " items in time");
    }

    private static boolean contains(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** One batch of pair events: one training step, so one checkpoint, so version 1. */
    private static List<byte[]> pairEvents(int inputDim) {
        var serializer =
                EventSerdes.pairEvents(
                                FeatureEventParser.pairs(inputDim), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        Random random = new Random(11);
        int batch =
                LearnerConfig.of(Map.of(LearnerConfig.MODEL_INPUT_DIM_CONFIG, inputDim))
                        .batchSize();
        List<byte[]> values = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            float[][] views = RandomMatrices.uniform(random, 2, inputDim);
            values.add(
                    serializer.serialize(
                            null, new PairEvent("s" + i, views[0], views[1], null, null)));
        }
        return values;
    }
}
