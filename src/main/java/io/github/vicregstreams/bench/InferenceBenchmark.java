package io.github.vicregstreams.bench;

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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;

/**
 * Inference speed: events/s of (a) the bare {@link InferenceModel#embed} at batch 1 and at
 * micro-batch sizes, and (b) the whole samples path of the topology (parse, embed, serialize,
 * exactly-once commit) on an embedded broker or the one {@code --bootstrap} names, one samples
 * partition, one stream thread.
 *
 * <p>Run it with {@code -Dai.djl.pytorch.num_threads=1} for per-core numbers. In (b) with the
 * embedded broker, the broker, the producer and the consumer share the machine with the stream
 * thread, so it understates what one core does for the learner alone.
 *
 * <p>Phase (b) reports, beside events/s, the CPU per event over the timed span (first embedding
 * read to the last) by thread group ({@link DataPathCosts}), the bytes written to the broker per
 * event by topic, and events/s per core: a million over the µs of CPU per event, of the whole
 * process and of the learner's own threads (the broker's left out). Each batch size runs {@code
 * --topology-rounds} rounds of each input, a fresh learner on fresh topics each, and reports the
 * median round of each input.
 *
 * <p>Arguments (all optional): {@code --batches=1,8,32,128 --input-dim=784 --seconds=2 --repeats=5
 * --topology-events=20000 --topology-batches=1,32 --topology-rounds=3 --warmup-rounds=10
 * --embedding-format=f32 --input=f32 --bootstrap=HOST:PORT --out=FILE}; {@code --input=binary}
 * sends the samples in their binary form instead of {@code featuresF32} JSON, and {@code
 * --input=f32,binary} runs the two in turn, round after round, for a comparison under the same
 * load; {@code --bootstrap} uses a broker of another process (the project's {@code broker} command,
 * pinned to other cores with {@code taskset}) instead of the embedded one, so that this process's
 * CPU is the learner's alone; {@code --topology-events=0} skips (b). Phase (b) first runs
 * unreported warm-up rounds (the largest batch size) until the JIT compiles for under a tenth of a
 * round, at most {@code --warmup-rounds}.
 */
public final class InferenceBenchmark {

    private static final Duration TOPOLOGY_TIMEOUT = Duration.ofMinutes(3);

    private static final String STREAM_THREADS = DataPathCosts.group("-StreamThread-");

    /** The groups of {@link DataPathCosts} that are the learner's own clients. */
    private static final List<String> LEARNER_CLIENT_THREADS =
            List.of(
                    DataPathCosts.group("kafka-producer-network-thread"),
                    DataPathCosts.group("kafka-coordinator-heartbeat-thread"),
                    DataPathCosts.group("GlobalStreamThread"));

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
        String inputOption = options.getOrDefault("input", "f32");
        List<String> inputs = Arrays.stream(inputOption.split(",")).map(String::trim).toList();
        if (!List.of("f32", "binary").containsAll(inputs)
                || inputs.stream().distinct().count() != inputs.size()) {
            throw new IllegalArgumentException(
                    "--input must be f32, binary, or both once each (f32,binary). Got: "
                            + inputOption);
        }
        int topologyRounds = Integer.parseInt(options.getOrDefault("topology-rounds", "3"));
        int warmupRounds = Integer.parseInt(options.getOrDefault("warmup-rounds", "10"));
        String bootstrap = options.get("bootstrap");
        ModelSpec spec = ModelSpec.of(inputDim);

        Map<String, Object> report = BenchReport.start("inference");
        report.put("spec", spec.toString());
        report.put("broker", BenchBroker.label(bootstrap));
        report.put("model", bareModel(spec, batches, seconds, repeats));
        if (topologyEvents > 0) {
            report.put(
                    "topology",
                    topology(
                            new TopologyRuns(
                                    inputDim,
                                    topologyEvents,
                                    topologyBatches,
                                    embeddingFormat,
                                    inputs,
                                    topologyRounds,
                                    warmupRounds,
                                    bootstrap)));
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

    /** What phase (b) runs: how many events, at which batch sizes, how often. */
    private record TopologyRuns(
            int inputDim,
            int events,
            int[] batchSizes,
            String embeddingFormat,
            List<String> inputs,
            int rounds,
            int maxWarmupRounds,
            String externalBootstrap) {}

    /** One round through the topology: its rate, and its costs over the timed span. */
    private record Round(SampleTraffic.Rate rate, Map<String, Object> costs) {}

    private static List<Map<String, Object>> topology(TopologyRuns runs) throws Exception {
        System.out.printf(
                Locale.ROOT,
                "(b) samples topic -> embed-samples -> embeddings topic, broker %s, exactly-once,"
                        + " 1 partition, 1 stream thread, %d events (input %s), %d rounds each%n",
                BenchBroker.label(runs.externalBootstrap()),
                runs.events(),
                String.join(" and ", runs.inputs()),
                runs.rounds());
        List<Map<String, Object>> rows = new ArrayList<>();
        Path dir = Files.createTempDirectory("inference-bench");
        try (BenchBroker broker = BenchBroker.open(runs.externalBootstrap(), null);
                Admin admin =
                        Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            int brokerId = DataPathCosts.brokerId(admin);
            float[][] features =
                    RandomMatrices.gaussian(
                            new Random(7), SampleTraffic.DISTINCT_SAMPLES, runs.inputDim());
            Map<String, List<byte[]>> values = new LinkedHashMap<>();
            for (String input : runs.inputs()) {
                values.put(
                        input,
                        SampleTraffic.samples(features, runs.events(), input.equals("binary")));
            }
            // Unreported rounds first, until the JIT is quiet: the broker, clients and Streams
            // spend their first minutes in the JIT compiler, which would be charged to whichever
            // batch size ran first.
            int warmupBatch = Arrays.stream(runs.batchSizes()).max().orElse(1);
            for (int round = 0; round < runs.maxWarmupRounds(); round++) {
                JitShare jit = JitShare.start();
                List<byte[]> warmValues =
                        values.get(runs.inputs().get(round % runs.inputs().size()));
                Round warm = round(runs, warmupBatch, warmValues, dir, bootstrap, admin, brokerId);
                double share = jit.sinceStart();
                System.out.printf(
                        Locale.ROOT,
                        "warm-up batch %d: %.0f events/s, JIT compiling %.0f%% of the time (not"
                                + " reported)%n",
                        warmupBatch,
                        warm.rate().perSecond(),
                        share * 100);
                if (share < JitShare.QUIET) {
                    break;
                }
            }
            for (int batch : runs.batchSizes()) {
                JitShare jit = JitShare.start();
                Map<String, List<Round>> measured = new LinkedHashMap<>();
                // The inputs in turn within each round, so that both see the same load.
                for (int r = 0; r < runs.rounds(); r++) {
                    for (String input : runs.inputs()) {
                        measured.computeIfAbsent(input, i -> new ArrayList<>())
                                .add(
                                        round(
                                                runs,
                                                batch,
                                                values.get(input),
                                                dir,
                                                bootstrap,
                                                admin,
                                                brokerId));
                    }
                }
                double jitShare = jit.sinceStart();
                measured.forEach(
                        (input, rounds) -> rows.add(summary(runs, batch, input, rounds, jitShare)));
            }
        }
        return rows;
    }

    /**
     * A learner of its own on fresh topics embeds {@code values}, produced before it starts; its
     * costs are measured from the first embedding read to the last.
     */
    private static Round round(
            TopologyRuns runs,
            int batch,
            List<byte[]> values,
            Path dir,
            String bootstrap,
            Admin admin,
            int brokerId)
            throws IOException, InterruptedException {
        String prefix = BenchLearner.randomPrefix();
        LearnerConfig config =
                SampleTraffic.config(
                        dir,
                        prefix,
                        runs.inputDim(),
                        Map.of(
                                LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                                batch,
                                LearnerConfig.EMBEDDING_FORMAT_CONFIG,
                                runs.embeddingFormat()));
        new TopicSetup(config).apply(bootstrap, Duration.ofSeconds(30));
        SampleTraffic.produce(bootstrap, config, config.topics().samples(), values);
        DataPathCosts.Snapshot[] span = new DataPathCosts.Snapshot[2];
        SampleTraffic.Rate rate =
                SampleTraffic.run(
                        bootstrap,
                        config,
                        streams -> {},
                        runs.events(),
                        value -> true,
                        TOPOLOGY_TIMEOUT,
                        new SampleTraffic.Span() {
                            @Override
                            public void opened() {
                                span[0] = snapshot(admin, brokerId);
                            }

                            @Override
                            public void closed() {
                                span[1] = snapshot(admin, brokerId);
                            }
                        });
        Round round =
                new Round(rate, DataPathCosts.perPair(span[0], span[1], runs.events(), prefix));
        deleteTopics(admin, prefix);
        return round;
    }

    /**
     * Deletes a round's topics, its changelogs included: a broker of another process keeps them
     * after the benchmark, several GB over a run.
     */
    private static void deleteTopics(Admin admin, String prefix) throws InterruptedException {
        try {
            List<String> topics =
                    admin.listTopics().names().get().stream()
                            .filter(name -> name.startsWith(prefix))
                            .toList();
            admin.deleteTopics(topics).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot delete the round's topics", e.getCause());
        }
    }

    private static DataPathCosts.Snapshot snapshot(Admin admin, int brokerId) {
        try {
            return DataPathCosts.snapshot(admin, brokerId);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot measure the run's costs", e);
        }
    }

    /**
     * The median round of a batch size by rate, its costs, and events/s per core: a million over
     * the µs of CPU per event, of the whole process and of the learner's threads alone (stream
     * thread, its clients' I/O, the global thread, libtorch's workers; not the broker's).
     */
    private static Map<String, Object> summary(
            TopologyRuns runs, int batch, String input, List<Round> rounds, double jitShare) {
        List<Round> byRate = new ArrayList<>(rounds);
        byRate.sort(Comparator.comparingDouble(r -> r.rate().perSecond()));
        Round median = byRate.get(byRate.size() / 2);
        Map<?, ?> cpu = (Map<?, ?>) median.costs().get("cpuMicrosPerPair");
        double process = micros(cpu, "process total");
        double stream = micros(cpu, STREAM_THREADS);
        double learner = stream + micros(cpu, DataPathCosts.UNATTRIBUTED);
        for (String group : LEARNER_CLIENT_THREADS) {
            learner += micros(cpu, group);
        }
        System.out.printf(
                Locale.ROOT,
                "inference.batch.size=%d, input %s: %.0f events/s (rounds: %s), CPU per event %.1f µs"
                        + " (stream thread %.1f, learner's threads %.1f): %.0f events/s per core of"
                        + " the process, %.0f per core of the learner's threads; JIT %.0f%%%n",
                batch,
                input,
                median.rate().perSecond(),
                rounds.stream().map(r -> String.valueOf(Math.round(r.rate().perSecond()))).toList(),
                process,
                stream,
                learner,
                1e6 / process,
                1e6 / learner,
                jitShare * 100);
        DataPathCosts.print(median.costs(), "event");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("inferenceBatchSize", batch);
        row.put("events", runs.events());
        row.put("input", input.equals("binary") ? "binary" : "featuresF32");
        row.put("eventsPerSecond", Math.round(median.rate().perSecond()));
        row.put(
                "roundEventsPerSecond",
                rounds.stream().map(r -> Math.round(r.rate().perSecond())).toList());
        row.put("seconds", Math.round(median.rate().seconds() * 100) / 100.0);
        row.put("cpuMicrosPerEvent", Stats.thousandths(process));
        row.put("streamThreadMicrosPerEvent", Stats.thousandths(stream));
        row.put("learnerThreadsMicrosPerEvent", Stats.thousandths(learner));
        row.put("eventsPerSecondPerCore", Math.round(1e6 / process));
        row.put("eventsPerSecondPerLearnerCore", Math.round(1e6 / learner));
        row.put("cpuMicrosPerEventByThreads", cpu);
        row.put("bytesPerEvent", median.costs().get("bytesPerPair"));
        row.put("minorPageFaultsPerEvent", median.costs().get(DataPathCosts.MINOR_FAULTS));
        // Measured over the rounds of every input at this batch size, which run in turn.
        row.put("jitCompilingShare", Stats.thousandths(jitShare));
        return row;
    }

    private static double micros(Map<?, ?> cpu, String group) {
        return cpu.get(group) instanceof Double micros ? micros : 0;
    }
}
