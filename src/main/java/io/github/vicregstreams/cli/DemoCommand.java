package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Augmentation;
import io.github.vicregstreams.data.Augmentations;
import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.FashionMnist;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.eval.Evaluation;
import io.github.vicregstreams.eval.EvaluationReport;
import io.github.vicregstreams.eval.KnnClassifier;
import io.github.vicregstreams.eval.LinearProbe;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.monitor.LearnerMonitor;
import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: an embedded broker, the learner's topics, the learner, a producer streaming a
 * dataset as pairs, progress lines while it trains, and the quality report at the end.
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
            // a
            // second. With a 1 s window the trainer saw those gaps as an idle stream and trained
            // batches of ~150 pairs for the first steps of a multi-pass demo.
            Map.of(LearnerConfig.APPLICATION_ID_CONFIG, "vicreg-demo");

    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);

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

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the augmentations. Default: ${DEFAULT-VALUE}.")
    private long seed = 42;

    @Option(
            names = "--augment",
            paramLabel = "SPEC",
            description =
                    "The augmentations: "
                            + Augmentations.SPEC_SYNTAX
                            + ". Default: ${DEFAULT-VALUE}.")
    private String augment = "default";

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
                            + " size) on the trainer directly, in dataset order, then evaluate the same way. The"
                            + " reference the streamed learner must match.")
    private boolean bare;

    private final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProduceCommand.requireAtLeast("--passes", passes, 1);
        ProduceCommand.requireAtLeast("--limit", limit, 1);
        DatasetSource source = chooseDataset(out);
        Dataset train = source.load(Split.TRAIN).head(limit);
        Dataset test = skipEvaluation ? null : source.load(Split.TEST);
        Augmentation augmentation = Augmentations.parse(augment, train);

        Map<String, String> defaults = new LinkedHashMap<>(DEMO_DEFAULTS);
        defaults.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, Integer.toString(train.featureDim()));
        defaults.put(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, Integer.toString(batchSize));
        // The bare loop writes nothing to disk: no broker or learner directory for it.
        boolean temporary = dataDir == null;
        Path dir = bare ? null : temporary ? Files.createTempDirectory("vicreg-demo-") : dataDir;
        if (dir != null) {
            defaults.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
        }
        // The broker is the demo's own; the settings' bootstrap.servers does not apply.
        LearnerConfig config =
                learner.load(defaults, Map.of(LearnerConfig.BOOTSTRAP_SERVERS_CONFIG, ""));

        if (bare) {
            return runBare(config, train, test, augmentation, out, err);
        }
        Resources resources = new Resources(dir, temporary);
        Thread hook =
                new Thread(
                        () -> {
                            interrupted.set(true);
                            out.println();
                            out.println(
                                    "Interrupted: stopping the learner (it checkpoints) and the broker…");
                            out.flush();
                            resources.close();
                        },
                        "vicreg-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(config, train, test, augmentation, resources, out, err);
        } finally {
            resources.close();
            RunCommand.removeHook(hook);
        }
    }

    private int run(
            LearnerConfig config,
            Dataset train,
            Dataset test,
            Augmentation augmentation,
            Resources resources,
            PrintWriter out,
            PrintWriter err)
            throws InterruptedException, IOException {
        long runStarted = System.nanoTime();
        EmbeddedKafkaBroker broker =
                resources.broker(Clusters.startBroker(resources.dir.resolve("broker"), 0, out));
        String bootstrap = broker.bootstrapServers();
        Clusters.setUpTopics(config, bootstrap, Duration.ofSeconds(30));
        LearnerApp app = resources.app(LearnerApp.startOnReadyTopics(config, bootstrap));
        resources.monitor(Monitors.start(config, bootstrap, app, out).orElse(null));
        long total = (long) train.rows() * passes;
        out.printf(
                Locale.ROOT,
                "Learner started (model %s, batch %d). Streaming %,d pairs of %s (%d pass%s) to %s.%n",
                config.modelSpec(),
                config.batchSize(),
                total,
                train.name(),
                passes,
                passes == 1 ? "" : "es",
                config.topics().views());
        out.flush();

        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> producerError = new AtomicReference<>();
        AtomicBoolean producerDone = new AtomicBoolean();
        Thread producerThread =
                new Thread(
                        () -> {
                            try (PairProducer producer =
                                    new PairProducer(
                                            bootstrap,
                                            train.featureDim(),
                                            FeatureEncoding.FLOAT32_BASE64,
                                            Clusters.producerSettings(config),
                                            false)) {
                                producer.send(
                                        train,
                                        "train",
                                        new ViewGenerator(augmentation, augmentation, seed),
                                        train.rows(),
                                        passes,
                                        rate,
                                        config.topics().views(),
                                        null,
                                        sent::set,
                                        interrupted::get);
                            } catch (Exception e) {
                                producerError.set(e);
                            } finally {
                                producerDone.set(true);
                            }
                        },
                        "vicreg-demo-producer");

        long trainStarted;
        long lastStep;
        long trainedPairs;
        try (TrainingMonitor monitor =
                new TrainingMonitor(
                        bootstrap, config.topics().metrics(), Clusters.consumerSettings(config))) {
            trainStarted = System.nanoTime();
            producerThread.start();
            long nextLine = System.nanoTime() + (long) (progressInterval * 1e9);
            long lastTrained = 0;
            long lastLineNanos = System.nanoTime();
            while (!interrupted.get()) {
                monitor.poll(Duration.ofMillis(200));
                if (producerError.get() != null) {
                    throw producerError.get() instanceof RuntimeException r
                            ? r
                            : new IllegalStateException(ErrorHandler.oneLine(producerError.get()));
                }
                KafkaStreams.State state = app.streams().state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException(
                            "The learner stopped: its state is " + state + " (see the log above)");
                }
                long now = System.nanoTime();
                boolean finished = producerDone.get() && finished(monitor, sent.get(), config);
                if (now >= nextLine || finished) {
                    double seconds = (now - lastLineNanos) / 1e9;
                    out.println(
                            progressLine(
                                    (now - trainStarted) / 1e9,
                                    sent.get(),
                                    total,
                                    monitor,
                                    (monitor.trainedPairs() - lastTrained)
                                            / Math.max(seconds, 1e-9)));
                    out.flush();
                    lastTrained = monitor.trainedPairs();
                    lastLineNanos = now;
                    nextLine = now + (long) (progressInterval * 1e9);
                }
                if (finished) {
                    break;
                }
                if (monitor.idleSeconds() > STALL_TIMEOUT.toSeconds() && producerDone.get()) {
                    err.printf(
                            Locale.ROOT,
                            "warning: no training step for %d s with %,d of %,d pairs trained; evaluating what"
                                    + " there is (dead letters are on %s)%n",
                            STALL_TIMEOUT.toSeconds(),
                            monitor.trainedPairs(),
                            sent.get(),
                            config.topics().deadLetters());
                    break;
                }
            }
            producerThread.join();
            lastStep = monitor.lastStep();
            trainedPairs = monitor.trainedPairs();
        }
        if (interrupted.get()) {
            return 130;
        }
        double trainSeconds = (System.nanoTime() - trainStarted) / 1e9;
        resources.closeApp();
        out.printf(
                Locale.ROOT,
                "Trained %,d pairs in %,d steps of batch %d in %.1f s (%,.0f pairs/s end to end);"
                        + " learner stopped with a checkpoint.%n",
                trainedPairs,
                lastStep,
                config.batchSize(),
                trainSeconds,
                trainedPairs / Math.max(trainSeconds, 1e-9));
        out.flush();

        ModelTopic.Checkpoint checkpoint =
                publishedCheckpoint(config, bootstrap, lastStep, resources, out);
        return finish(
                "Run",
                checkpoint.bytes(),
                trainedPairs,
                lastStep,
                config,
                trainSeconds,
                runStarted,
                train,
                test,
                out,
                err);
    }

    /** Saves and evaluates the final checkpoint as asked, then prints the run's summary line. */
    private int finish(
            String label,
            byte[] checkpoint,
            long pairs,
            long steps,
            LearnerConfig config,
            double trainSeconds,
            long runStarted,
            Dataset train,
            Dataset test,
            PrintWriter out,
            PrintWriter err)
            throws IOException {
        if (saveCheckpoint != null) {
            Files.write(saveCheckpoint, checkpoint);
            out.println("Checkpoint written to " + saveCheckpoint);
        }
        if (!skipEvaluation) {
            EvaluationReport report =
                    EvaluateCommand.evaluate(
                            checkpoint,
                            train,
                            test,
                            probeEpochs,
                            Evaluation.DEFAULT_LABELLED_SUBSET,
                            KnnClassifier.DEFAULT_K,
                            LinearProbe.DEFAULT_SEED,
                            err);
            out.println();
            out.print(report.format());
        }
        out.printf(
                Locale.ROOT,
                "%n%s: %,d pairs, %,d steps, batch %d, training %.1f s, total %.1f s; %s%n",
                label,
                pairs,
                steps,
                config.batchSize(),
                trainSeconds,
                (System.nanoTime() - runStarted) / 1e9,
                machine());
        out.flush();
        return 0;
    }

    private int runBare(
            LearnerConfig config,
            Dataset train,
            Dataset test,
            Augmentation augmentation,
            PrintWriter out,
            PrintWriter err)
            throws IOException {
        long runStarted = System.nanoTime();
        long total = (long) train.rows() * passes;
        out.printf(
                Locale.ROOT,
                "Bare training loop, no Kafka (model %s, batch %d): %,d pairs of %s (%d pass%s).%n",
                config.modelSpec(),
                config.batchSize(),
                total,
                train.name(),
                passes,
                passes == 1 ? "" : "es");
        out.flush();
        long[] nextLine = {System.nanoTime() + (long) (progressInterval * 1e9)};
        long trainStarted = System.nanoTime();
        InMemoryTraining.Result result =
                InMemoryTraining.train(
                        config.trainerConfig(),
                        config.device(),
                        train,
                        new ViewGenerator(augmentation, augmentation, seed),
                        passes,
                        config.batchSize(),
                        pairs -> {
                            if (System.nanoTime() >= nextLine[0]) {
                                out.printf(
                                        Locale.ROOT,
                                        "[%6.1f s] %s trained %,d/%,d%n",
                                        (System.nanoTime() - trainStarted) / 1e9,
                                        ProgressBar.bar(pairs, total, 20),
                                        pairs,
                                        total);
                                out.flush();
                                nextLine[0] = System.nanoTime() + (long) (progressInterval * 1e9);
                            }
                        });
        double trainSeconds = (System.nanoTime() - trainStarted) / 1e9;
        out.printf(
                Locale.ROOT,
                "Trained %,d pairs in %,d steps of batch %d in %.1f s (%,.0f pairs/s)%s.%n",
                result.pairs(),
                result.steps(),
                config.batchSize(),
                trainSeconds,
                result.pairs() / Math.max(trainSeconds, 1e-9),
                result.skippedSteps() == 0 ? "" : "; " + result.skippedSteps() + " steps skipped");
        out.flush();
        return finish(
                "Run (bare)",
                result.checkpoint(),
                result.pairs(),
                result.steps(),
                config,
                trainSeconds,
                runStarted,
                train,
                test,
                out,
                err);
    }

    /**
     * The final checkpoint from the model topic. A checkpoint written while the learner closes
     * cannot be sent then (a closing processor cannot forward); the learner sends it right after it
     * restarts, so the demo restarts it briefly when the topic is behind.
     */
    private ModelTopic.Checkpoint publishedCheckpoint(
            LearnerConfig config,
            String bootstrap,
            long lastStep,
            Resources resources,
            PrintWriter out)
            throws InterruptedException {
        Optional<ModelTopic.Checkpoint> latest = readModel(config, bootstrap);
        if (latest.isEmpty() || latest.get().step() < lastStep) {
            out.println("Publishing the final checkpoint (a brief restart of the learner)…");
            out.flush();
            resources.app(LearnerApp.start(config, bootstrap));
            long deadline = System.nanoTime() + PUBLISH_TIMEOUT.toNanos();
            while ((latest.isEmpty() || latest.get().step() < lastStep)
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
                latest = readModel(config, bootstrap);
            }
            resources.closeApp();
        }
        return latest.orElseThrow(
                () ->
                        new IllegalStateException(
                                "No checkpoint reached the model topic "
                                        + config.topics().model()));
    }

    private static Optional<ModelTopic.Checkpoint> readModel(
            LearnerConfig config, String bootstrap) {
        return ModelTopic.latest(bootstrap, config, Duration.ofSeconds(30));
    }

    /**
     * Whether every pair sent has been trained. A last lone pair is never trained alone (a step
     * takes at least 2), so one left over once the batch window has passed also counts as done.
     */
    private static boolean finished(TrainingMonitor monitor, long sent, LearnerConfig config) {
        long left = sent - monitor.trainedPairs();
        return left <= 0
                || (left == 1 && monitor.idleSeconds() * 1000 > config.batchWindowMs() + 2_000);
    }

    static String progressLine(
            double seconds, long sent, long total, TrainingMonitor monitor, double pairsPerSecond) {
        return String.format(
                Locale.ROOT,
                "[%6.1f s] %s %3d%% sent %,d/%,d | trained %,d (%,.0f pairs/s) | lag %,d | %s",
                seconds,
                ProgressBar.bar(sent, total, 20),
                (int) (100.0 * sent / Math.max(1, total)),
                sent,
                total,
                monitor.trainedPairs(),
                pairsPerSecond,
                Math.max(0, sent - monitor.trainedPairs()),
                monitor.describeLatest());
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

    static String machine() {
        return String.format(
                Locale.ROOT,
                "%d cores, %s %s, Java %s, %,d MiB heap max",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    /** The broker, the learner and the directory of one demo; closed once, in order. */
    private static final class Resources {
        private final Path dir;
        private final boolean temporary;
        private EmbeddedKafkaBroker broker;
        private LearnerApp app;
        private LearnerMonitor monitor;
        private boolean closed;

        Resources(Path dir, boolean temporary) {
            this.dir = dir;
            this.temporary = temporary;
        }

        synchronized EmbeddedKafkaBroker broker(EmbeddedKafkaBroker started) {
            if (closed) {
                started.stop();
                throw new IllegalStateException("Interrupted");
            }
            broker = started;
            return started;
        }

        synchronized LearnerApp app(LearnerApp started) {
            if (closed) {
                started.close();
                throw new IllegalStateException("Interrupted");
            }
            app = started;
            return started;
        }

        synchronized void monitor(LearnerMonitor started) {
            if (closed && started != null) {
                started.close();
            }
            monitor = started;
        }

        synchronized void closeApp() {
            if (monitor != null) {
                monitor.close();
                monitor = null;
            }
            if (app != null) {
                app.close();
                app = null;
            }
        }

        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            closeApp();
            if (broker != null) {
                broker.stop();
            }
            if (temporary) {
                deleteRecursively(dir);
            }
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
}
