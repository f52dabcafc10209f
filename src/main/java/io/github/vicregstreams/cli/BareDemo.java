package io.github.vicregstreams.cli;

import io.github.vicregstreams.topology.LearnerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code demo --bare}: the demo's pairs trained on the trainer directly, in dataset order, without
 * Kafka; the reference the streamed learner must match.
 */
final class BareDemo {

    private BareDemo() {}

    static int run(DemoPlan plan) throws IOException {
        LearnerConfig config = plan.config();
        PrintWriter out = plan.out();
        long runStarted = System.nanoTime();
        long total = plan.totalPairs();
        out.printf(
                Locale.ROOT,
                "Bare training loop, no Kafka (model %s, batch %d): %,d pairs of %s (%s).%n",
                config.modelSpec(),
                config.batchSize(),
                total,
                plan.train().name(),
                plan.passesText());
        out.flush();
        long[] nextLine = {plan.nextProgressLine(System.nanoTime())};
        long trainStarted = System.nanoTime();
        InMemoryTraining.Result result =
                InMemoryTraining.train(
                        config.trainerConfig(),
                        config.device(),
                        plan.train(),
                        plan.views(),
                        plan.passes(),
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
                                nextLine[0] = plan.nextProgressLine(System.nanoTime());
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
        return DemoReport.finish(
                plan,
                "Run (bare)",
                result.checkpoint(),
                result.pairs(),
                result.steps(),
                trainSeconds,
                runStarted);
    }
}
