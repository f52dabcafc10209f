package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.EnumNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code produce}: streams a dataset to a cluster as pairs of augmented views. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Streams a dataset to a cluster as pairs of augmented views.",
            "View 0 and view 1 of each sample go to the views topic back to back ( key <split>-<index>-p<pass>, metadata"
                    + " {\"label\":L,\"index\":I}); optionally the un-augmented samples to the samples"
                    + " topic. Creates the learner's topics when missing. Topic names come from the learner"
                    + " settings (topic.views, topic.samples)."
        })
final class ProduceCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private LearnerOptions learner;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description =
                    "The cluster. Default: bootstrap.servers of the settings, else "
                            + ConnectionOptions.DEFAULT_BOOTSTRAP
                            + " (where `vicreg-streams broker` listens).")
    private String bootstrapServers;

    @Option(
            names = "--dataset",
            paramLabel = "SOURCE",
            converter = DatasetSource.Converter.class,
            description = "One of: " + DatasetSource.SYNTAX + ". Default: fashion-mnist.")
    private DatasetSource dataset = DatasetSource.fashionMnist();

    @Option(
            names = "--split",
            paramLabel = "train|test",
            description = "Which split to stream. Default: ${DEFAULT-VALUE}.")
    private Split split = Split.TRAIN;

    @Option(
            names = "--count",
            paramLabel = "N",
            description = "Stream only the first N samples of the split (per pass). Default: all.")
    private int count = Integer.MAX_VALUE;

    @Option(
            names = "--passes",
            paramLabel = "N",
            description =
                    "How many times to stream the samples, each time with new augmentations."
                            + " Default: ${DEFAULT-VALUE}.")
    private int passes = 1;

    @Option(
            names = "--rate",
            paramLabel = "PAIRS_PER_S",
            description =
                    "At most this many pairs per second; 0: as fast as possible. Default:"
                            + " ${DEFAULT-VALUE}.")
    private double rate = 0;

    @Mixin private AugmentationOptions augmentation;

    @Mixin private StreamOrderOption order;

    @Option(
            names = "--samples",
            description =
                    "Also send each un-augmented sample (once, key <split>-<index>) to the"
                            + " samples topic.")
    private boolean withSamples;

    @Option(
            names = "--pair-events",
            description =
                    "Send each pair as one pair event (both views in one record) to the"
                            + " pair-events topic (topic.pair-events) instead of two views to the views topic.")
    private boolean asPairEvents;

    @Option(
            names = "--format",
            paramLabel = "f32|json|binary",
            description =
                    "Feature encoding: f32 (featuresF32, base64 float32: compact, exact), json"
                            + " (a JSON array), or binary (with --pair-events only: the binary"
                            + " pair event, no JSON, the cheapest for the learner to read; with"
                            + " --samples, the samples go in their binary form too). Default:"
                            + " ${DEFAULT-VALUE}.")
    private String format = "f32";

    @Mixin private ConnectionOptions connection;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean binary = format.equalsIgnoreCase("binary");
        if (binary && !asPairEvents) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--format binary needs --pair-events (view events have no binary form), or use f32");
        }
        FeatureEncoding encoding = binary ? FeatureEncoding.FLOAT32_BASE64 : encoding(format);
        OptionChecks.requireAtLeast("--count", count, 1);
        OptionChecks.requireAtLeast("--passes", passes, 1);
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be at least 0. Got: " + rate);
        }
        Dataset data = order.apply(dataset.load(split), count);
        ViewGenerator views = augmentation.viewGenerator(data);
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, Integer.toString(data.featureDim()));
        LearnerConfig config = learner.load(defaults, Map.of());
        String bootstrap = ConnectionOptions.bootstrapServers(bootstrapServers, config);
        Clusters.setUpTopics(config, bootstrap, connection.connectTimeout());
        int rows = Math.min(count, data.rows());
        long total = (long) rows * passes;
        String input = asPairEvents ? config.topics().pairEvents() : config.topics().views();
        out.printf(
                Locale.ROOT,
                "Streaming %,d pairs (%,d samples of %s x %d pass%s) to %s at %s%n",
                total,
                rows,
                data.name(),
                passes,
                passes == 1 ? "" : "es",
                input,
                bootstrap);
        out.flush();
        ProgressBar bar = new ProgressBar(err, "pairs", total);
        long started = System.nanoTime();
        long sent;
        try (PairProducer producer =
                new PairProducer(
                        bootstrap,
                        data.featureDim(),
                        encoding,
                        config.producerConfigs(),
                        pairEventWriter(binary, data.featureDim(), encoding),
                        sampleWriter(binary, data.featureDim(), encoding))) {
            sent =
                    producer.send(
                            data,
                            EnumNames.of(split),
                            views,
                            rows,
                            passes,
                            rate,
                            input,
                            withSamples ? config.topics().samples() : null,
                            bar::update,
                            () -> false);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(
                Locale.ROOT,
                "Sent %,d pairs (%,d %s%s) in %.1f s, %,.0f pairs/s%n",
                sent,
                asPairEvents ? sent : 2 * sent,
                asPairEvents ? "pair events" : "views",
                withSamples ? " and " + rows + " samples to " + config.topics().samples() : "",
                seconds,
                sent / Math.max(seconds, 1e-9));
        return 0;
    }

    /** How pair events are written, or null when views are sent. */
    private Serializer<PairEvent> pairEventWriter(
            boolean binary, int inputDim, FeatureEncoding encoding) {
        if (!asPairEvents) {
            return null;
        }
        FeatureEventParser<PairEvent> parser = FeatureEventParser.pairs(inputDim);
        return binary
                ? EventSerdes.binaryPairEvents(parser).serializer()
                : EventSerdes.pairEvents(parser, encoding).serializer();
    }

    /** How samples are written: in the binary form with {@code --format binary}, else JSON. */
    private static Serializer<SampleEvent> sampleWriter(
            boolean binary, int inputDim, FeatureEncoding encoding) {
        return binary
                ? EventSerdes.binarySampleEvents(FeatureEventParser.samples(inputDim)).serializer()
                : PairProducer.jsonSamples(inputDim, encoding);
    }

    static FeatureEncoding encoding(String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "f32" -> FeatureEncoding.FLOAT32_BASE64;
            case "json" -> FeatureEncoding.JSON_ARRAY;
            default ->
                    throw new IllegalArgumentException(
                            "--format takes f32, json or binary. Got: " + format);
        };
    }
}
