package io.github.vicregstreams.bench;

import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link SystemBenchmark} was asked to do; see its class comment for the arguments.
 *
 * @param phases the phases to run: {@code bare} (three batch sizes instead of one), {@code
 *     latency}, {@code serde}, {@code rss}; the topology's throughput always runs
 * @param learnerOverrides settings given with {@code --learner=key=value;key=value}, for both the
 *     bare loop's model and the learner
 * @param input {@code views} (two view events a pair) or {@code pair-events} (one pair event)
 * @param bootstrap a broker in another process, or null for the embedded one
 * @param variants the learners the topology phase measures side by side, round after round in one
 *     process: one setting each from {@code --compare=key=value1,value2}, or one learner with none
 * @param backlog {@code --backlog=true}: each round's pairs are produced while the learner is
 *     paused, and the round is timed from its resumption, so that the benchmark's own producer does
 *     not share the learner's CPU while it is measured (as producers on other machines do not); by
 *     default the producer sends while the learner trains
 */
record SystemBenchOptions(
        List<String> phases,
        Map<String, String> learnerOverrides,
        String input,
        int batch,
        int inputDim,
        int pairs,
        int warmupPairs,
        int rounds,
        int latencySeconds,
        int rssSteps,
        int rssBatch,
        Path out,
        String bootstrap,
        List<Map<String, String>> variants,
        boolean backlog) {

    /**
     * Reads the command line.
     *
     * @throws IllegalArgumentException if an argument is malformed or {@code --input} unknown
     */
    static SystemBenchOptions parse(String[] args) {
        Map<String, String> options = BenchArgs.parse(args);
        Map<String, String> learnerSettings = new HashMap<>();
        for (String setting : options.getOrDefault("learner", "").split(";")) {
            if (!setting.isBlank()) {
                int eq = setting.indexOf('=');
                learnerSettings.put(
                        setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
        }
        String input = options.getOrDefault("input", "views");
        if (!List.of("views", "pair-events", "pair-events-binary").contains(input)) {
            throw new IllegalArgumentException(
                    "--input must be views, pair-events or pair-events-binary. Got: " + input);
        }
        int batch = Integer.parseInt(options.getOrDefault("batch", "256"));
        int pairs = Integer.parseInt(options.getOrDefault("pairs", String.valueOf(batch * 60)));
        return new SystemBenchOptions(
                List.of(
                        options.getOrDefault("phases", "bare,topology,latency,serde,rss")
                                .split(",")),
                Map.copyOf(learnerSettings),
                input,
                batch,
                Integer.parseInt(options.getOrDefault("input-dim", "784")),
                pairs,
                Integer.parseInt(options.getOrDefault("warmup-pairs", String.valueOf(pairs))),
                Integer.parseInt(options.getOrDefault("rounds", "3")),
                Integer.parseInt(options.getOrDefault("latency-seconds", "20")),
                Integer.parseInt(options.getOrDefault("rss-steps", "10000")),
                Integer.parseInt(options.getOrDefault("rss-batch", "64")),
                Path.of(options.getOrDefault("out", "bench-results/system.json")),
                options.get("bootstrap"),
                variants(options.get("compare")),
                flag("backlog", options.getOrDefault("backlog", "false")));
    }

    /** {@code true} or {@code false}, nothing else: a typo must not measure the other way. */
    private static boolean flag(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default ->
                    throw new IllegalArgumentException(
                            "--" + name + " is true or false. Got: " + value);
        };
    }

    /**
     * The learners {@code --compare=key=value1,value2} asks for, one per value, or one learner.
     *
     * @throws IllegalArgumentException if the argument has no key, fewer than two values, or one
     *     twice
     */
    private static List<Map<String, String>> variants(String compare) {
        if (compare == null) {
            return List.of(Map.of());
        }
        int eq = compare.indexOf('=');
        List<String> values =
                eq <= 0
                        ? List.of()
                        : Arrays.stream(compare.substring(eq + 1).split(",", -1))
                                .map(String::trim)
                                .toList();
        if (values.size() < 2 || values.contains("") || Set.copyOf(values).size() < values.size()) {
            throw new IllegalArgumentException(
                    "--compare must be key=value1,value2[,…] with different values. Got: "
                            + compare);
        }
        String key = compare.substring(0, eq).trim();
        return values.stream().map(value -> Map.of(key, value)).toList();
    }

    /** Whether {@code --phases} names the phase. */
    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /** Whether each pair goes as one pair event instead of two view events. */
    boolean pairEvents() {
        return input.startsWith("pair-events");
    }

    /** Whether pair events go in their binary form rather than JSON. */
    boolean binaryPairEvents() {
        return input.equals("pair-events-binary");
    }

    /**
     * The model both the bare loop and the learner train: the default for the input dimension, with
     * what {@code --learner} says (e.g. {@code model.hidden.size=16}), so that the ratio compares
     * like with like.
     */
    ModelSpec spec() {
        Map<String, String> settings = new HashMap<>(learnerOverrides);
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, String.valueOf(inputDim));
        return LearnerConfig.of(settings).modelSpec();
    }

    /**
     * The config of a learner for one phase: its topics and state under {@code prefix}, the
     * benchmark's model and batch size, f32 embeddings, the CPU, then {@code --learner}.
     *
     * @param dir the directory the learner keeps its state in
     */
    LearnerConfig learnerConfig(String prefix, Path dir, ModelSpec spec) {
        return learnerConfig(prefix, dir, spec, Map.of());
    }

    /** {@link #learnerConfig(String, Path, ModelSpec)} with a variant's setting on top. */
    LearnerConfig learnerConfig(
            String prefix, Path dir, ModelSpec spec, Map<String, String> variant) {
        Map<String, String> settings = new HashMap<>(BenchLearner.topicsUnder(prefix));
        settings.put("application.id", prefix);
        settings.put("model.input.dim", String.valueOf(spec.encoderDim()));
        settings.put("train.batch.size", String.valueOf(batch));
        settings.put("train.batch.window.ms", "1000");
        settings.put("embedding.format", "f32");
        settings.put("device", "cpu");
        settings.put("state.dir", dir.resolve("state-" + prefix).toString());
        settings.putAll(learnerOverrides);
        settings.putAll(variant);
        return LearnerConfig.of(settings);
    }
}
