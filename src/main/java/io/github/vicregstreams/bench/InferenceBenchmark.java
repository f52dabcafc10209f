package io.github.vicregstreams.bench;

import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.LearnerConfig;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

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
                float[][] samples =
                        RandomMatrices.gaussian(new Random(batch), batch, spec.encoderDim());
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
            List<byte[]> values =
                    SampleTraffic.samples(
                            RandomMatrices.gaussian(
                                    new Random(7), SampleTraffic.DISTINCT_SAMPLES, inputDim),
                            events);
            // One unreported round first: the broker, clients and Streams spend their first tens of
            // seconds in the JIT compiler, which would be charged to whichever batch size ran
            // first.
            int[] rounds = new int[batchSizes.length + 1];
            rounds[0] = Arrays.stream(batchSizes).max().orElse(1);
            System.arraycopy(batchSizes, 0, rounds, 1, batchSizes.length);
            for (int round = 0; round < rounds.length; round++) {
                int batch = rounds[round];
                String prefix = "bench-" + batch + "-" + System.nanoTime();
                LearnerConfig config =
                        SampleTraffic.config(
                                dir,
                                prefix,
                                inputDim,
                                Map.of(
                                        LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                                        batch,
                                        LearnerConfig.EMBEDDING_FORMAT_CONFIG,
                                        embeddingFormat));
                String bootstrap = broker.bootstrapServers();
                new TopicSetup(config).apply(bootstrap, Duration.ofSeconds(30));
                SampleTraffic.produce(bootstrap, config, config.topics().samples(), values);
                SampleTraffic.Rate result = runTopology(config, bootstrap, events);
                if (round == 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "%-16s %14.0f %10.2f%n",
                            "warm-up " + batch,
                            result.perSecond(),
                            result.seconds());
                    continue;
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-16d %14.0f %10.2f%n",
                        batch,
                        result.perSecond(),
                        result.seconds());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("inferenceBatchSize", batch);
                row.put("events", events);
                row.put("eventsPerSecond", Math.round(result.perSecond()));
                row.put("seconds", Math.round(result.seconds() * 100) / 100.0);
                rows.add(row);
            }
        }
        return rows;
    }

    /** Runs the learner until every sample is embedded; events/s from first to last embedding. */
    private static SampleTraffic.Rate runTopology(
            LearnerConfig config, String bootstrap, int events) throws InterruptedException {
        return SampleTraffic.run(
                bootstrap, config, streams -> {}, events, value -> true, TOPOLOGY_TIMEOUT);
    }
}
