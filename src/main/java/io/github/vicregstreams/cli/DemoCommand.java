package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.FashionMnist;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.eval.LinearProbe;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: an embedded broker, the learner's topics, the learner, a producer streaming a
 * dataset as pairs, progress lines while it trains, and the quality report at the end; or, with
 * {@code --bare}, the same pairs on the trainer alone. This class reads the options and prepares
 * the {@link DemoPlan}; {@link StreamedDemo} and {@link BareDemo} run it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Broker, learner, producer and evaluation at once, on Fashion-MNIST.",
            "An embedded Kafka broker, the learner's topics, the learner, and a"
                    + " producer streaming Fashion-MNIST's training images as pairs of augmented views;"
                    + " a progress line every few seconds; when every pair is trained, a clean stop"
                    + " (checkpoint) and the evaluation of the final checkpoint from the model topic on the"
                    + " test images (linear probe and kNN, beside raw pixels and an untrained encoder).",
            "Without Fashion-MNIST it says how to get it and uses a synthetic dataset of known"
                    + " structure."
        })
final class DemoCommand implements Callable<Integer> {

    /** The learner settings the demo changes from the defaults (the user's win). */
    static final Map<String, String> DEMO_DEFAULTS =
            // The batch window stays at its 5 s default: pairs reach the trainer when the pairing's
            // transaction commits, and while the producer floods the broker a commit can take over
            // a second. With a 1 s window the trainer saw those gaps as an idle stream and trained
            // batches of ~150 pairs for the first steps of a multi-pass demo.
            Map.of(LearnerConfig.APPLICATION_ID_CONFIG, "vicreg-demo");

    /**
     * What the demo trains image data with unless the user says otherwise: the setting that
     * measured best in one pass (docs/quality.md): the learner draws each image's views itself and
     * replays a reservoir of 16,384 images four times after each batch, so a replayed image gets
     * new views at each step.
     */
    static final Map<String, String> IMAGE_DEFAULTS =
            Map.of(
                    LearnerConfig.TRAIN_SOURCE_CONFIG, "samples",
                    LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, "16384",
                    LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG, "4",
                    LearnerConfig.TRAIN_REPLAY_EVICTION_CONFIG, "reservoir");

    @Spec private CommandSpec spec;

    @Mixin private LearnerOptions learner;

    @Option(
            names = "--dataset",
            paramLabel = "SOURCE",
            converter = DatasetSource.Converter.class,
            description =
                    "One of: "
                            + DatasetSource.SYNTAX
                            + ". Default: fashion-mnist when installed,"
                            + " else synthetic.")
    private DatasetSource dataset;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description =
                    "Stream (and fit the evaluation on) only the first N training samples, for a"
                            + " quick demo.")
    private int limit = Integer.MAX_VALUE;

    @Option(
            names = "--passes",
            paramLabel = "N",
            description =
                    "Times the samples are streamed, each with new augmentations. Default:"
                            + " ${DEFAULT-VALUE}.")
    private int passes = 1;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description = "Pairs per training step (train.batch.size). Default: ${DEFAULT-VALUE}.")
    private int batchSize = 256;

    @Option(
            names = "--rate",
            paramLabel = "PAIRS_PER_S",
            description = "Producer rate limit; 0: as fast as possible. Default: ${DEFAULT-VALUE}.")
    private double rate = 0;

    @Mixin private AugmentationOptions augmentation;

    @Mixin private StreamOrderOption order;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Keep the broker's data (DIR/broker) and the learner's state (DIR/streams)"
                            + " here; a second demo on it continues training the same model. Default: a temporary"
                            + " directory, deleted at the end.")
    private Path dataDir;

    @Option(
            names = "--progress-interval",
            paramLabel = "SECONDS",
            description = "Seconds between progress lines. Default: ${DEFAULT-VALUE}.")
    private double progressInterval = 5;

    @Option(
            names = "--probe-epochs",
            paramLabel = "N",
            description = "Epochs of the linear probe. Default: ${DEFAULT-VALUE}.")
    private int probeEpochs = LinearProbe.DEFAULT_EPOCHS;

    @Option(
            names = "--save-checkpoint",
            paramLabel = "FILE",
            description =
                    "Also write the final checkpoint to FILE (for `evaluate --checkpoint FILE`).")
    private Path saveCheckpoint;

    @Option(names = "--skip-evaluation", description = "Stop after training.")
    private boolean skipEvaluation;

    @Option(
            names = "--bare",
            description =
                    "No Kafka: train the same pairs (same seed, augmentations, passes and batch"
                            + " size) on the trainer directly, in the same order, then evaluate the same way. The"
                            + " reference the streamed learner must match.")
    private boolean bare;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OptionChecks.requireAtLeast("--passes", passes, 1);
        OptionChecks.requireAtLeast("--limit", limit, 1);
        DatasetSource source = chooseDataset(out);
        Dataset fit = source.load(Split.TRAIN).head(limit);
        Dataset train = order.apply(fit, limit);
        Dataset test = skipEvaluation ? null : source.load(Split.TEST);
        ViewGenerator views = augmentation.viewGenerator(train);

        Map<String, String> defaults = learnerDefaults(train, augmentation.augment, batchSize);
        // The bare loop writes nothing to disk: no broker or learner directory for it.
        boolean temporary = dataDir == null;
        Path dir = bare ? null : temporary ? Files.createTempDirectory("vicreg-demo-") : dataDir;
        if (dir != null) {
            defaults.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
        }
        // The broker is the demo's own; the settings' bootstrap.servers does not apply.
        LearnerConfig config =
                learner.load(defaults, Map.of(LearnerConfig.BOOTSTRAP_SERVERS_CONFIG, ""));
        DemoPlan plan =
                new DemoPlan(
                        config,
                        train,
                        fit,
                        test,
                        views,
                        passes,
                        rate,
                        progressInterval,
                        probeEpochs,
                        saveCheckpoint,
                        out,
                        err);

        if (bare) {
            return BareDemo.run(plan);
        }
        try (ProcessLifecycle lifecycle =
                ProcessLifecycle.withShutdownHook(
                        "vicreg-demo-shutdown",
                        () -> {
                            out.println();
                            out.println(
                                    "Interrupted: stopping the learner (it checkpoints) and the broker…");
                            out.flush();
                        })) {
            if (temporary) {
                lifecycle.add(dir, DemoCommand::deleteRecursively);
            }
            return new StreamedDemo(plan, lifecycle).run(dir);
        }
    }

    /**
     * The learner settings of a demo on {@code train}, before the user's: {@link #IMAGE_DEFAULTS}
     * for images, whose layout and {@code --augment} the learner's own views then take.
     */
    static Map<String, String> learnerDefaults(Dataset train, String augment, int batchSize) {
        Map<String, String> defaults = new LinkedHashMap<>(DEMO_DEFAULTS);
        defaults.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, Integer.toString(train.featureDim()));
        defaults.put(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, Integer.toString(batchSize));
        defaults.put(LearnerConfig.TRAIN_AUGMENTATION_CONFIG, augment);
        train.imageShape()
                .ifPresentOrElse(
                        shape -> {
                            defaults.putAll(IMAGE_DEFAULTS);
                            defaults.put(
                                    LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG,
                                    shape.toString());
                        },
                        () -> defaults.put(LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG, "none"));
        return defaults;
    }

    private DatasetSource chooseDataset(PrintWriter out) {
        if (dataset != null) {
            return dataset;
        }
        DatasetSource fashion = DatasetSource.fashionMnist();
        if (fashion.isAvailable()) {
            return fashion;
        }
        out.println(
                "Fashion-MNIST is not installed in "
                        + FashionMnist.DEFAULT_DIR
                        + ": `sudo apt-get install dataset-fashion-mnist` installs it (or use --dataset"
                        + " idx:DIR with the four files of github.com/zalandoresearch/fashion-mnist).");
        out.println(
                "Running on a synthetic dataset of known structure instead: "
                        + DatasetSource.DEFAULT_SYNTHETIC_ROWS
                        + " training samples in 10 classes, 64 features.");
        out.flush();
        return DatasetSource.synthetic();
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A left-over temporary directory is untidy, not wrong.
        }
    }
}
