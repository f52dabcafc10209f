package io.github.vicregstreams.bench;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.LearnerTopology;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

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
            List<byte[]> samples = samples(inputDim, items);
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

    private static LearnerConfig config(
            Path dir, int inputDim, String prefix, Map<String, Object> more) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.APPLICATION_ID_CONFIG, prefix);
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, inputDim);
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        settings.put(LearnerConfig.TOPIC_PARTITIONS_CONFIG, 1);
        settings.put(LearnerConfig.EMBEDDING_FORMAT_CONFIG, "f32");
        settings.putAll(BenchLearner.topicsUnder(prefix));
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(prefix).toString());
        settings.putAll(more);
        return LearnerConfig.of(settings);
    }

    /** (a): samples through embed-samples, versions off. */
    private static double inferencePath(
            String bootstrap, Path dir, int inputDim, List<byte[]> samples, int round) {
        LearnerConfig config = config(dir, inputDim, "inference-" + round, Map.of());
        new TopicSetup(config).apply(bootstrap, Duration.ofSeconds(30));
        produce(bootstrap, config, config.topics().samples(), samples);
        KafkaStreams streams =
                new KafkaStreams(
                        LearnerTopology.build(config), config.streamsProperties(bootstrap));
        try (KafkaConsumer<byte[], byte[]> consumer =
                BenchLearner.embeddingsReader(bootstrap, config, new ByteArrayDeserializer())) {
            streams.start();
            return rate(consumer, samples.size(), false);
        } finally {
            close(streams);
        }
    }

    /** (b): items already stored, embedded again when version 1 is promoted. */
    private static double backfill(
            String bootstrap, Path dir, int inputDim, List<byte[]> items, int round)
            throws InterruptedException {
        LearnerConfig config =
                config(
                        dir,
                        inputDim,
                        "backfill-" + round,
                        Map.of(
                                LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG,
                                1L,
                                LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG,
                                1));
        new TopicSetup(config).apply(bootstrap, Duration.ofSeconds(30));
        produce(bootstrap, config, config.topics().items(), items);
        KafkaStreams streams =
                new KafkaStreams(
                        LearnerTopology.build(config), config.streamsProperties(bootstrap));
        try (KafkaConsumer<byte[], byte[]> consumer =
                BenchLearner.embeddingsReader(bootstrap, config, new ByteArrayDeserializer())) {
            streams.start();
            awaitStoredItems(streams, items.size());
            produce(bootstrap, config, config.topics().pairEvents(), pairEvents(inputDim));
            return rate(consumer, items.size(), true);
        } finally {
            close(streams);
        }
    }

    /** Waits until the backfill's store holds every item, so that (b) times the walk alone. */
    private static void awaitStoredItems(KafkaStreams streams, int items)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            double stored =
                    streams.metrics().values().stream()
                            .filter(m -> m.metricName().name().equals("vicreg-backfill-items"))
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

    /**
     * Embeddings/s from the first counted embedding to the {@code expected}-th; with {@code
     * versionedOnly}, only embeddings that carry a model version count (not the training step's).
     */
    private static double rate(
            KafkaConsumer<byte[], byte[]> consumer, int expected, boolean versionedOnly) {
        long first = -1;
        long last = -1;
        int seen = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (seen < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                if (versionedOnly && !contains(record.value(), VERSION_FIELD)) {
                    continue;
                }
                long now = System.nanoTime();
                first = first < 0 ? now : first;
                last = now;
                seen++;
            }
        }
        if (seen < expected) {
            throw new IllegalStateException(
                    "Only " + seen + " of " + expected + " embeddings within " + TIMEOUT);
        }
        return expected / ((last - first) / 1e9);
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

    private static void close(KafkaStreams streams) {
        streams.close(
                CloseOptions.timeout(Duration.ofSeconds(30))
                        .withGroupMembershipOperation(
                                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    private static void produce(
            String bootstrap, LearnerConfig config, String topic, List<byte[]> values) {
        Map<String, Object> props = new HashMap<>(config.producerConfigs());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                byte[] key = ("s" + i).getBytes(StandardCharsets.UTF_8);
                sends.add(producer.send(new ProducerRecord<>(topic, key, values.get(i))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> send : sends) {
                send.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("producing to " + topic + " failed", e.getCause());
        }
    }

    private static List<byte[]> samples(int inputDim, int count) {
        var serializer =
                EventSerdes.sampleEvents(
                                FeatureEventParser.samples(inputDim),
                                FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        float[][] features = RandomMatrices.uniform(new Random(7), 64, inputDim);
        List<byte[]> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(
                    serializer.serialize(
                            null, new SampleEvent("s" + i, features[i % 64], null, null)));
        }
        return values;
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
