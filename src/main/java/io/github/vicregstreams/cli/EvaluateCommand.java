package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.eval.Evaluation;
import io.github.vicregstreams.eval.EvaluationReport;
import io.github.vicregstreams.eval.KnnClassifier;
import io.github.vicregstreams.eval.LinearProbe;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: linear-probe and kNN accuracy of a checkpoint's representations. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Reports linear-probe and kNN accuracy of a checkpoint's representations.",
            "Loads a checkpoint (a file, or the latest record of the model topic) and reports the"
                    + " test accuracy of a linear probe (logistic regression on standardized features; all"
                    + " labels and a fixed subset) and of kNN (cosine) for its learned representation,"
                    + " beside the raw features and an untrained encoder of the same spec and seed."
        })
final class EvaluateCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private LearnerOptions learner;

    @Mixin private CheckpointSource source;

    @Option(
            names = "--dataset",
            paramLabel = "SOURCE",
            converter = DatasetSource.Converter.class,
            description =
                    "Labelled data: the train split fits, the test split scores. One of: "
                            + DatasetSource.SYNTAX
                            + ". Default: fashion-mnist.")
    private DatasetSource dataset = DatasetSource.fashionMnist();

    @Option(
            names = "--train-limit",
            paramLabel = "N",
            description = "Fit on the first N training rows only.")
    private int trainLimit = Integer.MAX_VALUE;

    @Option(
            names = "--test-limit",
            paramLabel = "N",
            description = "Score on the first N test rows only.")
    private int testLimit = Integer.MAX_VALUE;

    @Option(
            names = "--probe-epochs",
            paramLabel = "N",
            description =
                    "Epochs of the probe (mini-batch Adam, batch 256). Default: ${DEFAULT-VALUE}.")
    private int probeEpochs = LinearProbe.DEFAULT_EPOCHS;

    @Option(
            names = "--labels",
            paramLabel = "N",
            description =
                    "Size of the labelled subset of the second probe. Default: ${DEFAULT-VALUE}.")
    private int labels = Evaluation.DEFAULT_LABELLED_SUBSET;

    @Option(
            names = "-k",
            paramLabel = "N",
            description = "Neighbours of kNN. Default: ${DEFAULT-VALUE}.")
    private int k = KnnClassifier.DEFAULT_K;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description =
                    "Seed of the probe's shuffles and of the labelled subset. Default: ${DEFAULT-VALUE}.")
    private long seed = LinearProbe.DEFAULT_SEED;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Dataset train = dataset.load(Split.TRAIN).head(Math.max(1, trainLimit));
        Dataset test = dataset.load(Split.TEST).head(Math.max(1, testLimit));
        byte[] checkpoint =
                source.fromFile()
                        ? source.readFile()
                        : source.latestOnTopic(
                                learner.load(
                                        Map.of(
                                                LearnerConfig.MODEL_INPUT_DIM_CONFIG,
                                                Integer.toString(train.featureDim())),
                                        Map.of()));
        EvaluationReport report =
                evaluate(checkpoint, train, test, probeEpochs, labels, k, seed, err);
        out.print(report.format());
        out.flush();
        return 0;
    }

    /** Runs an evaluation, telling {@code err} what it is computing. */
    static EvaluationReport evaluate(
            byte[] checkpoint,
            Dataset train,
            Dataset test,
            int probeEpochs,
            int labels,
            int k,
            long seed,
            PrintWriter err) {
        CheckpointInfo info = CheckpointInfo.of(checkpoint);
        err.printf(
                Locale.ROOT,
                "Evaluating checkpoint step %d (model %s) on %s (%,d rows) and %s (%,d rows)…%n",
                info.step(),
                info.config().spec(),
                train.name(),
                train.rows(),
                test.name(),
                test.rows());
        err.flush();
        long started = System.nanoTime();
        return Evaluation.builder()
                .optProbe(LinearProbe.builder().optEpochs(probeEpochs).optSeed(seed).build())
                .optLabelledSubset(labels)
                .optSubsetSeed(seed)
                .optK(k)
                .optProgress(
                        stage -> {
                            err.printf(
                                    Locale.ROOT,
                                    "  [%5.1f s] %s%n",
                                    (System.nanoTime() - started) / 1e9,
                                    stage);
                            err.flush();
                        })
                .build()
                .evaluate(checkpoint, train, test);
    }
}
