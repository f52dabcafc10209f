package io.github.vicregstreams.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.TopicSetup;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.Djl;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
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
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * What Kafka costs around the learner, in one process and one run on the embedded broker: the bare
 * training loop, the same work through the whole topology (views in, embeddings out) and their
 * ratio, view-to-embedding latency at half the saturation rate, view serde throughput, and RSS
 * across many steps. Prints a table and writes the same as JSON.
 *
 * <p>Arguments (all optional): {@code --phases=bare,topology,latency,serde,rss
 * --learner=key=value;key=value --batch=256 --input-dim=784 --pairs=15360 --warmup-pairs=15360
 * --rounds=3 --latency-seconds=20 --rss-steps=10000 --rss-batch=64 --out=bench-results/system.json
 * --input=views}, {@code --input=pair-events} to send each pair as one pair event, and {@code
 * --bootstrap=host:port} for a broker in another process instead of the embedded one.
 */
public final class SystemBenchmark {

    /** Warm-up ends once the JIT compiles for less than this share of a round's wall time. */
    private static final double QUIET_JIT_SHARE = 0.1;

    /** At most this many warm-up rounds, quiet JIT or not. */
    private static final int MAX_WARMUP_ROUNDS = 10;

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** The share of wall time the JIT spent compiling since a moment. */
    private record JitShare(long compileMillis, long startNanos) {
        static JitShare start() {
            return new JitShare(JIT.getTotalCompilationTime(), System.nanoTime());
        }

        double sinceStart() {
            return (JIT.getTotalCompilationTime() - compileMillis)
                    / ((System.nanoTime() - startNanos) / 1e6);
        }
    }

    /**
     * With {@code --input=pair-events}, each pair is one pair event on the pair-events topic
     * instead of two view events on the views topic.
     */
    private static boolean pairEvents;

    /** Learner settings given with {@code --learner=key=value;key=value}. */
    private static final Map<String, String> EXTRA_SETTINGS = new HashMap<>();

    private SystemBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception if the broker or a client fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.parse(args);
        for (String setting : options.getOrDefault("learner", "").split(";")) {
            if (!setting.isBlank()) {
                int eq = setting.indexOf('=');
                EXTRA_SETTINGS.put(
                        setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
        }
        String input = options.getOrDefault("input", "views");
        if (!input.equals("views") && !input.equals("pair-events")) {
            throw new IllegalArgumentException(
                    "--input must be views or pair-events. Got: " + input);
        }
        pairEvents = input.equals("pair-events");
        int batch = Integer.parseInt(options.getOrDefault("batch", "256"));
        int inputDim = Integer.parseInt(options.getOrDefault("input-dim", "784"));
        int pairs = Integer.parseInt(options.getOrDefault("pairs", String.valueOf(batch * 60)));
        int warmupPairs =
                Integer.parseInt(options.getOrDefault("warmup-pairs", String.valueOf(pairs)));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int latencySeconds = Integer.parseInt(options.getOrDefault("latency-seconds", "20"));
        int rssSteps = Integer.parseInt(options.getOrDefault("rss-steps", "10000"));
        int rssBatch = Integer.parseInt(options.getOrDefault("rss-batch", "64"));
        Path out = Path.of(options.getOrDefault("out", "bench-results/system.json"));
        List<String> phases =
                List.of(
                        options.getOrDefault("phases", "bare,topology,latency,serde,rss")
                                .split(","));
        ModelSpec spec = specOf(inputDim);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "system");
        report.put("machine", MachineInfo.describe());
        report.put("engine", Djl.engine().getEngineName() + " " + Djl.engine().getVersion());
        report.put(
                "kafka",
                org.apache.kafka.streams.KafkaStreams.class
                        .getPackage()
                        .getImplementationVersion());
        report.put("spec", spec.toString());
        report.put("batch", batch);
        report.put("input", input);

        // 1. The bare loop.
        Map<String, Object> bare = new LinkedHashMap<>();
        for (int b : phases.contains("bare") ? new int[] {64, 256, 1024} : new int[] {batch}) {
            // Warmed up as TrainingBenchmark warms up (its class comment says why: page faults), so
            // that
            // the topology is compared with the bare loop's steady state.
            double ms =
                    TrainingBenchmark.medianStepMillis(
                            spec, DeviceChoice.CPU, b, TrainingBenchmark.DEFAULT_WARMUP_STEPS, 30);
            bare.put("batch" + b + "PairsPerSecond", Math.round(b / (ms / 1e3)));
            System.out.printf(
                    Locale.ROOT,
                    "bare loop   batch %4d: %7.2f ms/step %8.0f pairs/s%n",
                    b,
                    ms,
                    b / (ms / 1e3));
        }
        report.put("bareLoop", bare);
        double bareRate = ((Number) bare.get("batch" + batch + "PairsPerSecond")).doubleValue();

        Path dir = Files.createTempDirectory("vicreg-bench");
        // With --bootstrap, a broker of another process (the project's `broker` command, pinned to
        // other cores with taskset): the learner's CPU is then this process's alone.
        String external = options.get("bootstrap");
        try (EmbeddedKafkaBroker broker =
                external != null
                        ? null
                        : EmbeddedKafkaBroker.builder()
                                .optDataDir(dir.resolve("broker"))
                                .build()
                                .start()) {
            String bootstrap = external != null ? external : broker.bootstrapServers();
            report.put("broker", external != null ? "separate process at " + external : "embedded");
            // 2. The same work through the topology, at saturation.
            Measured measured = throughput(bootstrap, dir, spec, batch, pairs, warmupPairs, rounds);
            double topologyRate = measured.pairsPerSecond();
            DataPathCosts.print(measured.costs());
            report.put("dataPath", measured.costs());
            System.out.printf(
                    Locale.ROOT,
                    "topology    batch %4d: %8.0f pairs/s from first view in to last embedding out"
                            + " (median of %d rounds); ratio to the bare loop %.2f%n",
                    batch,
                    topologyRate,
                    rounds,
                    topologyRate / bareRate);
            report.put("topologyPairsPerSecond", Math.round(topologyRate));
            report.put("topologyToBareRatio", Math.round(topologyRate / bareRate * 1000) / 1000.0);

            // 3. Latency at half the saturation rate.
            if (phases.contains("latency")) {
                Map<String, Object> latency =
                        latency(
                                bootstrap,
                                dir,
                                spec,
                                batch,
                                topologyRate / 2,
                                Duration.ofSeconds(latencySeconds));
                report.put("latency", latency);
            }
        } finally {
            // The broker's log and the learner's state: gigabytes after a long run.
            Utils.delete(dir.toFile());
        }

        // 4. Serde throughput of view events.
        List<SerdeBenchmark.Result> serde =
                phases.contains("serde")
                        ? SerdeBenchmark.run(new SerdeBenchmark.Options(inputDim, 2_000, 3, 5, 300))
                        : List.of();
        List<Map<String, Object>> serdeRows = new ArrayList<>();
        for (SerdeBenchmark.Result r : serde) {
            System.out.println("serde       " + r);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("values", r.values());
            row.put("encoding", r.encoding().toString());
            row.put("operation", r.operation());
            row.put("eventsPerSecond", Math.round(r.eventsPerSecond()));
            serdeRows.add(row);
        }
        report.put("serde", serdeRows);

        // 5. RSS across many steps after warm-up.
        if (rssSteps > 0 && phases.contains("rss")) {
            report.put(
                    "rss",
                    TrainingBenchmark.measureRss(
                            spec, DeviceChoice.CPU, rssBatch, rssSteps, inputDim));
        }

        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.toFile(), report);
        System.out.println("results written to " + out);
    }

    /**
     * The model both the bare loop and the learner train: the default for the input dimension, with
     * what {@code --learner} says (e.g. {@code model.hidden.size=16}), so that the ratio compares
     * like with like.
     */
    private static ModelSpec specOf(int inputDim) {
        Map<String, String> settings = new HashMap<>(EXTRA_SETTINGS);
        settings.put("model.input.dim", String.valueOf(inputDim));
        return LearnerConfig.of(settings).modelSpec();
    }

    private static Map<String, String> learnerSettings(
            String prefix, Path dir, ModelSpec spec, int batch) {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", prefix);
        // Every topic of the run under its prefix, so that its bytes are counted and runs never
        // meet.
        for (String key :
                LearnerConfig.of(Map.of("model.input.dim", 1)).topics().byKey().keySet()) {
            settings.put(key, prefix + "." + key.substring("topic.".length()));
        }
        settings.put("model.input.dim", String.valueOf(spec.encoderDim()));
        settings.put("train.batch.size", String.valueOf(batch));
        settings.put("train.batch.window.ms", "1000");
        settings.put("embedding.format", "f32");
        settings.put("device", "cpu");
        settings.put("state.dir", dir.resolve("state-" + prefix).toString());
        settings.putAll(EXTRA_SETTINGS);
        return settings;
    }

    /** The measured run: its rate, and its costs besides the model ({@link DataPathCosts}). */
    private record Measured(double pairsPerSecond, Map<String, Object> costs) {}

    /**
     * Pairs per second through the topology with a producer faster than the trainer — the median of
     * {@code rounds} runs of {@code pairs}, with their costs together — after warm-up rounds of
     * {@code warmupPairs} each until the JIT is quiet. The broker, the clients and Streams run
     * thousands of methods that the JIT compiles: measured on this 2-core machine, a C2 compiler
     * thread still spent a second of compile time per second of a 15,360-pair run after one such
     * round (10 of its 15 s of CPU), and the rate rose from 1,103 to 1,807 pairs/s with 76,800
     * pairs of warm-up. A learner runs for hours, and the bare loop it is compared to runs warm.
     */
    private static Measured throughput(
            String bootstrap,
            Path dir,
            ModelSpec spec,
            int batch,
            int pairs,
            int warmupPairs,
            int rounds)
            throws Exception {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        LearnerConfig config = LearnerConfig.of(learnerSettings(prefix, dir, spec, batch));
        try (LearnerApp app = LearnerApp.start(config, bootstrap);
                KafkaConsumer<String, byte[]> consumer = embeddings(bootstrap, config);
                Admin admin =
                        Admin.create(
                                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            awaitRunning(app);
            List<byte[][]> views = encodedViews(spec.encoderDim(), 512);
            for (int round = 0; warmupPairs > 0 && round < MAX_WARMUP_ROUNDS; round++) {
                JitShare jit = JitShare.start();
                double warm =
                        timedRun(
                                bootstrap, config, consumer, views, "w" + round + "-", warmupPairs);
                double jitShare = jit.sinceStart();
                System.out.printf(
                        Locale.ROOT,
                        "warm-up     %d pairs at %.0f pairs/s, JIT compiling %.0f%% of the time (not reported)%n",
                        warmupPairs,
                        warm,
                        jitShare * 100);
                if (jitShare < QUIET_JIT_SHARE) {
                    break;
                }
            }
            int brokerId =
                    admin.describeCluster()
                            .nodes()
                            .get(30, TimeUnit.SECONDS)
                            .iterator()
                            .next()
                            .id();
            DataPathCosts.Snapshot before = DataPathCosts.snapshot(admin, brokerId);
            JitShare jit = JitShare.start();
            double[] rates = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                rates[round] =
                        timedRun(bootstrap, config, consumer, views, "p" + round + "-", pairs);
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
            costs.put("jitCompilingShare", Math.round(jitShare * 1000) / 1000.0);
            costs.put(
                    "roundPairsPerSecond", Arrays.stream(rates).map(Math::round).boxed().toList());
            Arrays.sort(rates);
            return new Measured(rates[rounds / 2], costs);
        }
    }

    /** Produces the pairs from a thread of its own and waits for all their embeddings. */
    private static double timedRun(
            String bootstrap,
            LearnerConfig config,
            KafkaConsumer<String, byte[]> consumer,
            List<byte[][]> views,
            String idPrefix,
            int pairs)
            throws InterruptedException {
        long start = System.nanoTime();
        long[] producedNanos = new long[1];
        Thread producer =
                new Thread(
                        () -> {
                            produce(bootstrap, config, views, idPrefix, pairs, 0);
                            producedNanos[0] = System.nanoTime() - start;
                        },
                        "bench-producer");
        producer.start();
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
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

    /** View-to-embedding latency of pairs produced at a steady rate. */
    private static Map<String, Object> latency(
            String bootstrap, Path dir, ModelSpec spec, int batch, double rate, Duration length)
            throws Exception {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        LearnerConfig config = LearnerConfig.of(learnerSettings(prefix, dir, spec, batch));
        int pairs = (int) (rate * length.toSeconds());
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        double[] latencies = new double[pairs];
        try (LearnerApp app = LearnerApp.start(config, bootstrap);
                KafkaConsumer<String, byte[]> consumer = embeddings(bootstrap, config)) {
            awaitRunning(app);
            List<byte[][]> views = encodedViews(spec.encoderDim(), 512);
            Thread producer =
                    new Thread(
                            () -> {
                                long period = (long) (1e9 / rate);
                                long next = System.nanoTime();
                                try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
                                    for (int i = 0; i < pairs; i++) {
                                        while (System.nanoTime() < next) {
                                            Thread.onSpinWait();
                                        }
                                        next += period;
                                        String id = "p" + i;
                                        sentAt.put(id, System.nanoTime());
                                        send(p, config, views.get(i % views.size()), id);
                                    }
                                }
                            },
                            "bench-producer");
            producer.start();
            int seen = 0;
            long deadline = System.nanoTime() + length.plusMinutes(2).toNanos();
            while (seen < pairs && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    Long sent = sentAt.get(r.key());
                    if (sent != null && seen < pairs) {
                        latencies[seen++] = (System.nanoTime() - sent) / 1e6;
                    }
                }
            }
            producer.join();
            double[] measured = Arrays.copyOf(latencies, seen);
            Arrays.sort(measured);
            double p50 = measured[measured.length / 2];
            double p99 =
                    measured[
                            (int)
                                    Math.min(
                                            measured.length - 1,
                                            Math.floor(measured.length * 0.99))];
            System.out.printf(
                    Locale.ROOT,
                    "latency     %.0f pairs/s (half of saturation) for %d s: p50 %.0f ms, p99 %.0f ms"
                            + " (batch window %d ms; %d of %d pairs)%n",
                    rate,
                    length.toSeconds(),
                    p50,
                    p99,
                    config.batchWindowMs(),
                    seen,
                    pairs);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ratePairsPerSecond", Math.round(rate));
            result.put("pairs", seen);
            result.put("p50Ms", Math.round(p50));
            result.put("p99Ms", Math.round(p99));
            result.put("batchWindowMs", config.batchWindowMs());
            return result;
        }
    }

    private static void awaitRunning(LearnerApp app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (app.streams().state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the learner did not reach RUNNING: " + app.streams().state());
            }
            Thread.sleep(50);
        }
    }

    private static void produce(
            String bootstrap,
            LearnerConfig config,
            List<byte[][]> views,
            String idPrefix,
            int pairs,
            int from) {
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            for (int i = from; i < from + pairs; i++) {
                String id = idPrefix + i;
                send(p, config, views.get(i % views.size()), id);
            }
        }
    }

    /** One pair's records: two views for the views topic, or one pair event. */
    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            LearnerConfig config,
            byte[][] encoded,
            String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        String topic = pairEvents ? config.topics().pairEvents() : config.topics().views();
        for (byte[] record : encoded) {
            producer.send(new ProducerRecord<>(topic, key, withId(record, id)));
        }
    }

    /**
     * Pre-encoded pairs with a placeholder id, so that producing costs no JSON work per event: two
     * view events each, or one pair event with {@code --input=pair-events}.
     */
    private static List<byte[][]> encodedViews(int dim, int count) {
        Serializer<ViewEvent> views =
                EventSerdes.viewEvents(
                                FeatureEventParser.views(dim), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        Serializer<PairEvent> pairs =
                EventSerdes.pairEvents(
                                FeatureEventParser.pairs(dim), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        Random random = new Random(3);
        List<byte[][]> encoded = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[][] features = new float[2][dim];
            for (float[] view : features) {
                for (int j = 0; j < dim; j++) {
                    view[j] = random.nextFloat();
                }
            }
            encoded.add(
                    pairEvents
                            ? new byte[][] {
                                pairs.serialize(
                                        null,
                                        new PairEvent(
                                                ID_PLACEHOLDER,
                                                features[0],
                                                features[1],
                                                null,
                                                null))
                            }
                            : new byte[][] {
                                views.serialize(
                                        null,
                                        new ViewEvent(ID_PLACEHOLDER, 0, features[0], null, null)),
                                views.serialize(
                                        null,
                                        new ViewEvent(ID_PLACEHOLDER, 1, features[1], null, null))
                            });
        }
        return encoded;
    }

    private static final String ID_PLACEHOLDER = "@@@@@@@@";

    private static byte[] withId(byte[] encoded, String id) {
        String json = new String(encoded, StandardCharsets.UTF_8);
        return json.replace(ID_PLACEHOLDER, id).getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.putAll(TopicSetup.NEW_TOPIC_PRODUCER_SETTINGS);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> embeddings(
            String bootstrap, LearnerConfig config) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(config.topics().embeddings()));
        return consumer;
    }
}
