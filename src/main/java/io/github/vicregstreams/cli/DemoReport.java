package io.github.vicregstreams.cli;

import io.github.vicregstreams.eval.Evaluation;
import io.github.vicregstreams.eval.EvaluationReport;
import io.github.vicregstreams.eval.KnnClassifier;
import io.github.vicregstreams.eval.LinearProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;

/** The end of a demo: the final checkpoint saved and evaluated as asked, and a summary line. */
final class DemoReport {

    private DemoReport() {}

    /**
     * @param label the summary line's first word(s), e.g. {@code Run (bare)}
     * @param runStarted {@link System#nanoTime()} when the demo started
     * @return the demo's exit code, 0
     */
    static int finish(
            DemoPlan plan,
            String label,
            byte[] checkpoint,
            long pairs,
            long steps,
            double trainSeconds,
            long runStarted)
            throws IOException {
        PrintWriter out = plan.out();
        if (plan.saveCheckpoint() != null) {
            Files.write(plan.saveCheckpoint(), checkpoint);
            out.println("Checkpoint written to " + plan.saveCheckpoint());
        }
        if (plan.test() != null) {
            EvaluationReport report =
                    EvaluateCommand.evaluate(
                            checkpoint,
                            plan.fit(),
                            plan.test(),
                            plan.probeEpochs(),
                            Evaluation.DEFAULT_LABELLED_SUBSET,
                            KnnClassifier.DEFAULT_K,
                            LinearProbe.DEFAULT_SEED,
                            plan.err());
            out.println();
            out.print(report.format());
        }
        out.printf(
                Locale.ROOT,
                "%n%s: %,d pairs, %,d steps, batch %d, training %.1f s, total %.1f s; %s%n",
                label,
                pairs,
                steps,
                plan.config().batchSize(),
                trainSeconds,
                (System.nanoTime() - runStarted) / 1e9,
                machine());
        out.flush();
        return 0;
    }

    /** The machine the numbers were measured on. */
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
}
