package io.github.vicregstreams.bench;

import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * --input=views}, {@code --input=pair-events} to send each pair as one pair event ({@code
 * --input=pair-events-binary} in its binary form), and {@code --bootstrap=host:port} for a broker
 * in another process instead of the embedded one; {@code --backlog=true} produces each round's
 * pairs while the learner is paused and times the round from its resumption, so that the
 * benchmark's producer is not measured with the learner. {@code --compare=key=value1,value2}
 * measures one learner per value of that learner setting, side by side in this process, their
 * rounds in turn, and reports each one's figures and its ratio to the first, round by round. After
 * every round the bare loop runs again for a second ({@link BareRounds}), and each learner's ratio
 * to it is also given as the median of the rounds' ratios: the machine's speed drifts between the
 * phases.
 *
 * <p>This class runs the phases in order and writes the report; each phase is a class of its own:
 * {@link BareLoop}, {@link TopologyThroughput}, {@link TopologyLatency}, {@link SerdeBenchmark} and
 * {@link TrainingBenchmark#measureRss}. The options are read by {@link SystemBenchOptions}.
 */
public final class SystemBenchmark {

    private SystemBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception if the broker or a client fails
     */
    public static void main(String[] args) throws Exception {
        SystemBenchOptions options = SystemBenchOptions.parse(args);
        int batch = options.batch();
        ModelSpec spec = options.spec();

        Map<String, Object> report = BenchReport.start("system");
        report.put("kafka", BenchReport.kafkaVersion());
        report.put("spec", spec.toString());
        report.put("batch", batch);
        report.put("input", options.input());

        // 1. The bare loop.
        Map<String, Object> bare =
                BareLoop.measure(
                        spec, options.runs("bare") ? new int[] {64, 256, 1024} : new int[] {batch});
        report.put("bareLoop", bare);
        double bareRate = BareLoop.pairsPerSecond(bare, batch);

        Path dir = Files.createTempDirectory("vicreg-bench");
        try (BenchBroker broker = BenchBroker.open(options.bootstrap(), dir.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            report.put("broker", broker.label());
            // 2. The same work through the topology, at saturation.
            List<TopologyThroughput.Measured> measured;
            try (BareRounds bareRounds = BareRounds.open(spec, batch)) {
                measured = TopologyThroughput.measure(bootstrap, dir, spec, options, bareRounds);
            }
            List<Map<String, Object>> variants = new ArrayList<>();
            for (TopologyThroughput.Measured variant : measured) {
                variants.add(topologyRow(variant, measured.get(0), batch, bareRate, options));
            }
            // The first learner's figures at the top level, as without --compare.
            variants.get(0).forEach(report::putIfAbsent);
            if (measured.size() > 1) {
                report.put("variants", variants);
            }
            double topologyRate = measured.get(0).pairsPerSecond();

            // 3. Latency at half the saturation rate.
            if (options.runs("latency")) {
                report.put(
                        "latency",
                        TopologyLatency.measure(
                                bootstrap,
                                dir,
                                spec,
                                options,
                                topologyRate / 2,
                                Duration.ofSeconds(options.latencySeconds())));
            }
        } finally {
            // The broker's log and the learner's state: gigabytes after a long run.
            Utils.delete(dir.toFile());
        }

        // 4. Serde throughput of view events.
        List<SerdeBenchmark.Result> serde =
                options.runs("serde")
                        ? SerdeBenchmark.run(
                                new SerdeBenchmark.Options(options.inputDim(), 2_000, 3, 5, 300))
                        : List.of();
        report.put("serde", serdeRows(serde));

        // 5. RSS across many steps after warm-up.
        if (options.rssSteps() > 0 && options.runs("rss")) {
            report.put(
                    "rss",
                    TrainingBenchmark.measureRss(
                            spec,
                            DeviceChoice.CPU,
                            options.rssBatch(),
                            options.rssSteps(),
                            options.inputDim()));
        }

        BenchReport.write(options.out(), report);
    }

    /**
     * Prints one learner's topology figures and turns them into the report's fields; with {@code
     * --compare}, also its ratio to the first learner, round by round.
     */
    private static Map<String, Object> topologyRow(
            TopologyThroughput.Measured measured,
            TopologyThroughput.Measured first,
            int batch,
            double bareRate,
            SystemBenchOptions options) {
        Map<String, Object> row = new LinkedHashMap<>();
        String label = measured.variant().isEmpty() ? "" : " " + measured.variant();
        if (!label.isEmpty()) {
            System.out.println("data path  " + label + ":");
            row.put("settings", measured.variant());
        }
        DataPathCosts.print(measured.costs());
        double rate = measured.pairsPerSecond();
        System.out.printf(
                Locale.ROOT,
                "topology   %s batch %4d: %8.0f pairs/s from first view in to last embedding out"
                        + " (median of %d rounds); ratio to the bare loop %.2f%n",
                label,
                batch,
                rate,
                options.rounds(),
                rate / bareRate);
        double betweenRounds = measured.medianRatioToBareRounds();
        System.out.printf(
                Locale.ROOT,
                "topology   %s against the bare loop right after each round: %.2f (median of the"
                        + " rounds' ratios)%n",
                label,
                betweenRounds);
        row.put("dataPath", measured.costs());
        row.put("topologyPairsPerSecond", Math.round(rate));
        row.put("topologyToBareRatio", Stats.thousandths(rate / bareRate));
        row.put("topologyToBareRoundsRatio", Stats.thousandths(betweenRounds));
        if (measured != first) {
            double[] ratios = new double[options.rounds()];
            for (int round = 0; round < ratios.length; round++) {
                ratios[round] =
                        measured.roundPairsPerSecond()[round] / first.roundPairsPerSecond()[round];
            }
            Arrays.sort(ratios);
            double median = ratios[ratios.length / 2];
            System.out.printf(
                    Locale.ROOT,
                    "compare    %s against %s: %.3f (median of the rounds' ratios)%n",
                    measured.variant(),
                    first.variant(),
                    median);
            row.put("ratioToFirstVariant", Stats.thousandths(median));
        }
        return row;
    }

    /** Prints each serde result and turns it into a row of the report. */
    private static List<Map<String, Object>> serdeRows(List<SerdeBenchmark.Result> serde) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SerdeBenchmark.Result r : serde) {
            System.out.println("serde       " + r);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("values", r.values());
            row.put("encoding", r.encoding().toString());
            row.put("operation", r.operation());
            row.put("eventsPerSecond", Math.round(r.eventsPerSecond()));
            rows.add(row);
        }
        return rows;
    }
}
