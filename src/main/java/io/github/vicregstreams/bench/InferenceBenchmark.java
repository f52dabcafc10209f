package io.github.vicregstreams.bench;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.LearnerTopology;
import io.github.vicregstreams.topology.TopicSetup;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.InferenceModel;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.ModelWeights;
import io.github.vicregstreams.vicreg.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
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
 * Inference speed: events/s of (a) the bare {@link InferenceModel#embed} at batch 1 and at
 * micro-batch sizes, and (b) the whole samples path of the topology (parse, embed, serialize,
 * exactly-once commit) on an embedded broker, one samples partition, one stream thread.
 *
 * <p>Run it with {@code -Dai.djl.pytorch.num_threads=1} for per-core numbers. In (b) the broker,
 * the producer and the consumer share the machine with the stream thread, so it understates what
 * one core does for the learner alone.
 *
 * <p>Arguments (all optional): {@code --batches=1,8,32,128 --input-dim=784 --seconds=2 --repeats=5
 * --topology-events=20000 --topology-batches=1,32 --embedding-format=f32 --out=FILE}; {@code
 * --topology-events=0} skips (b). Phase (b) runs one unreported warm-up round (the largest batch
 * size) first.
 */
public final class InferenceBenchmark {

    private static final Duration TOPOLOGY_TIMEOUT = Duration.ofMinutes(3);

    private InferenceBenchmark() {}

    /**
     * Runs the benchmark and prints a table; writes JSON when {@code --out} is given.
     *
     * @param args see the class comment
     * @throws Exception if the results file cannot be written or the broker fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.parse(args);
        int[] batches = BenchArgs.ints(options.getOrDefault("batches", "1,8,32,128"));
        int inputDim = Integer.parseInt(options.getOrDefault("input-dim", "784"));
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "2"));
        int repeats = Integer.parseInt(options.getOrDefault("repeats", "5"));
        int topologyEvents = Integer.parseInt(options.getOrDefault("topology-events", "20000"));
        int[] topologyBatches = BenchArgs.ints(options.getOrDefault("topology-batches", "1,32"));
        String embeddingFormat = options.getOrDefault("embedding-format", "f32");
        ModelSpec spec = ModelSpec.of(inputDim);

        Map<String, Object> report = BenchReport.start("inference");
        report.put("spec", spec.toString());
        report.put("model", bareModel(spec, batches, seconds, repeats));
        if (topologyEvents > 0) {
            report.put(
                    "topology",
                    topology(inputDim, topologyEvents, topologyBatches, embeddingFormat));
        }
        String out = options.get("out");
        if (out != null) {
            BenchReport.write(Path.of(out), report);
        }
    }

    private static List<Map<String, Object>> bareModel(
            ModelSpec spec, int[] batches, double seconds, int repeats) {
        Djl.disableGradientsOnThisThread();
        System.out.printf(
                Locale.ROOT,
                "(a) InferenceModel.embed, spec %s, torch threads %s%n",
                spec,
                MachineInfo.describe().get("torchThreads"));
        System.out.printf(
                Locale.ROOT,
                "%-6s %14s %14s %14s%n",
                "batch",
                "median ev/s",
                "min ev/s",
                "max ev/s");
        List<Map<String, Object>> rows = new ArrayList<>();
        ModelWeights weights = ModelWeights.initial(TrainerConfig.defaults(spec), DeviceChoice.CPU);
        try (InferenceModel model = InferenceModel.create(weights, DeviceChoice.CPU)) {
            for (int batch : batches) {
                float[][] samples = gaussian(batch, spec.encoderDim(), batch);
                runFor(model, samples, Math.min(0.5, seconds)); // warm-up
                double[] rates = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    rates[r] = runFor(model, samples, seconds);
                }
                double median = Stats.median(rates);
                double min = Arrays.stream(rates).min().orElseThrow();
                double max = Arrays.stream(rates).max().orElseThrow();
                System.out.printf(
                        Locale.ROOT, "%-6d %14.0f %14.0f %14.0f%n", batch, median, min, max);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("batch", batch);
                row.put("medianEventsPerSecond", Math.round(median));
                row.put("minEventsPerSecond", Math.round(min));
                row.put("maxEventsPerSecond", Math.round(max));
                row.put("repeats", repeats);
                rows.add(row);
            }
        }
        return rows;
    }

    /** Embeds the batch again and again for about {@code seconds}; returns events/s. */
    private static double runFor(InferenceModel model, float[][] samples, double seconds) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long events = 0;
        long now;
        do {
            model.embed(samples);
            events += samples.length;
            now = System.nanoTime();
        } while (now < deadline);
        return events / ((now - start) / 1e9);
    }

    private static List<Map<String, Object>> topology(
            int inputDim, int events, int[] batchSizes, String embeddingFormat)
            throws IOException, InterruptedException {
        System.out.printf(
                Locale.ROOT,
                "(b) samples topic -> embed-samples -> embeddings topic, embedded broker, exactly-once,"
                        + " 1 partition, 1 stream thread, %d events (featuresF32)%n",
                events);
        System.out.printf(
                Locale.ROOT, "%-16s %14s %10s%n", "inference.batch", "events/s", "seconds");
        List<Map<String, Object>> rows = new ArrayList<>();
        Path dir = Files.createTempDirectory("inference-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            List<byte[]> values = samples(inputDim, events);
            // One unreported round first: the broker, clients and Streams spend their first tens of
            // seconds in the JIT compiler, which would be charged to whichever batch size ran
            // first.
            int[] rounds = new int[batchSizes.length + 1];
            rounds[0] = Arrays.stream(batchSizes).max().orElse(1);
            System.arraycopy(batchSizes, 0, rounds, 1, batchSizes.length);
            for (int round = 0; round < rounds.length; round++) {
                int batch = rounds[round];
                String prefix = "bench-" + batch + "-" + System.nanoTime();
                Map<String, Object> settings = new HashMap<>();
                settings.put(LearnerConfig.APPLICATION_ID_CONFIG, prefix);
                settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, inputDim);
                settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
                settings.put(LearnerConfig.TOPIC_PARTITIONS_CONFIG, 1);
                settings.put(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, batch);
                settings.put(LearnerConfig.EMBEDDING_FORMAT_CONFIG, embeddingFormat);
                settings.putAll(BenchLearner.topicsUnder(prefix));
                settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(prefix).toString());
                LearnerConfig config = LearnerConfig.of(settings);
                String bootstrap = broker.bootstrapServers();
                new TopicSetup(config).apply(bootstrap, Duration.ofSeconds(30));
                produce(config, bootstrap, values);
                double[] result = runTopology(config, bootstrap, events);
                if (round == 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "%-16s %14.0f %10.2f%n",
                            "warm-up " + batch,
                            result[0],
                            result[1]);
                    continue;
                }
                System.out.printf(
                        Locale.ROOT, "%-16d %14.0f %10.2f%n", batch, result[0], result[1]);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("inferenceBatchSize", batch);
                row.put("events", events);
                row.put("eventsPerSecond", Math.round(result[0]));
                row.put("seconds", Math.round(result[1] * 100) / 100.0);
                rows.add(row);
            }
        }
        return rows;
    }

    /** Runs the learner until every sample is embedded; events/s from first to last embedding. */
    private static double[] runTopology(LearnerConfig config, String bootstrap, int events) {
        KafkaStreams streams =
                new KafkaStreams(
                        LearnerTopology.build(config), config.streamsProperties(bootstrap));
        try (KafkaConsumer<byte[], byte[]> consumer =
                BenchLearner.embeddingsReader(bootstrap, config, new ByteArrayDeserializer())) {
            streams.start();
            long first = -1;
            long last = -1;
            int seen = 0;
            long deadline = System.nanoTime() + TOPOLOGY_TIMEOUT.toNanos();
            while (seen < events && System.nanoTime() < deadline) {
                int n = consumer.poll(Duration.ofMillis(100)).count();
                if (n > 0) {
                    long now = System.nanoTime();
                    first = first < 0 ? now : first;
                    last = now;
                    seen += n;
                }
            }
            if (seen < events) {
                throw new IllegalStateException(
                        "Only "
                                + seen
                                + " of "
                                + events
                                + " embeddings within "
                                + TOPOLOGY_TIMEOUT);
            }
            double seconds = (last - first) / 1e9;
            return new double[] {events / seconds, seconds};
        } finally {
            streams.close(
                    CloseOptions.timeout(Duration.ofSeconds(30))
                            .withGroupMembershipOperation(
                                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
    }

    private static void produce(LearnerConfig config, String bootstrap, List<byte[]> values) {
        String topic = config.topics().samples();
        Map<String, Object> props = new HashMap<>(config.producerConfigs());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // Without idempotence: on the embedded broker, the idempotent producer of a later round was
        // now and then stuck retrying OutOfOrderSequenceException until its buffer ran out. A
        // duplicate sample is harmless here (it is embedded again); a lost one is caught below.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < values.size(); i++) {
                byte[] key = ("s" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                producer.send(
                        new ProducerRecord<>(topic, key, values.get(i)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        // A lost send would otherwise show up minutes later as embeddings that never arrive.
        if (failure.get() != null) {
            throw new IllegalStateException("producing the samples failed", failure.get());
        }
    }

    private static List<byte[]> samples(int inputDim, int count) {
        var serializer =
                EventSerdes.sampleEvents(
                                FeatureEventParser.samples(inputDim),
                                FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        float[][] features = gaussian(64, inputDim, 7);
        List<byte[]> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(
                    serializer.serialize(
                            null, new SampleEvent("s" + i, features[i % 64], null, null)));
        }
        return values;
    }

    private static float[][] gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return m;
    }
}
