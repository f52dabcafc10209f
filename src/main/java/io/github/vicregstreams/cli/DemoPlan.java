package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.topology.LearnerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What one demo trains and reports, the same for the streamed learner and the bare loop.
 *
 * @param config the learner's settings
 * @param train the samples streamed, in the order streamed
 * @param fit the evaluation's training samples: the same samples in the dataset's order, so that
 *     the stream's order changes what is learned, not how it is scored
 * @param test the evaluation's test samples; null when the evaluation is skipped
 * @param views the views of each sample
 * @param passes times the samples are streamed
 * @param rate the producer's pairs per second at most; 0: no limit
 * @param progressIntervalSeconds seconds between progress lines
 * @param probeEpochs epochs of the linear probe
 * @param saveCheckpoint where to write the final checkpoint too; null: nowhere
 * @param out where progress and the report go
 * @param err where warnings and the evaluation's stages go
 */
record DemoPlan(
        LearnerConfig config,
        Dataset train,
        Dataset fit,
        Dataset test,
        ViewGenerator views,
        int passes,
        double rate,
        double progressIntervalSeconds,
        int probeEpochs,
        Path saveCheckpoint,
        PrintWriter out,
        PrintWriter err) {

    /** The pairs streamed: every training sample once a pass. */
    long totalPairs() {
        return (long) train.rows() * passes;
    }

    /** {@code 1 pass}, {@code 3 passes}. */
    String passesText() {
        return passes + (passes == 1 ? " pass" : " passes");
    }

    /** When the next progress line is due, after one at {@code nanoTime}. */
    long nextProgressLine(long nanoTime) {
        return nanoTime + (long) (progressIntervalSeconds * 1e9);
    }
}
