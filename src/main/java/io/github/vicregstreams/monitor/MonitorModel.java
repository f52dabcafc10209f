package io.github.vicregstreams.monitor;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.MetricsEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the monitor knows of the learner, fed by its topic reader (or directly, in tests) and read
 * by its HTTP handlers. Bounded: it keeps the recent steps and embeddings only. Thread-safe.
 */
final class MonitorModel {

    /** One recent embedding, with what the scatter plot needs. */
    record Sample(float[] embedding, long modelStep, Metadata metadata) {}

    /** The latest checkpoint on the model topic. */
    record Checkpoint(String modelName, byte[] bytes, long step, String spec, long timestampMs) {}

    /** One effective-rank measurement. */
    record RankPoint(long timeMs, long step, double rank) {}

    /** How far the topic reader has got. */
    enum ReaderState {
        /** Looking for the topics. */
        STARTING,
        /** Reading what was there when it started. */
        CATCHING_UP,
        /** Following the topics live. */
        LIVE,
        /** Stopped on an error. */
        FAILED
    }

    /** Counts since the monitor started (including the history it read at start). */
    record Counters(
            long steps,
            long skippedSteps,
            long consecutiveSkippedSteps,
            long pairs,
            long embeddings,
            long badRecords) {}

    private final int maxEmbeddings;
    private final int maxSteps;

    // Guarded by this.
    private final ArrayDeque<MetricsEvent> steps = new ArrayDeque<>();
    private final ArrayDeque<Sample> embeddings = new ArrayDeque<>();
    private final ArrayDeque<RankPoint> ranks = new ArrayDeque<>();
    private long stepCount;
    private long skippedSteps;
    private long consecutiveSkipped;
    private long pairs;
    private long embeddingCount;
    private long badRecords;
    private long embeddingsVersion;
    private Checkpoint checkpoint;
    private ReaderState readerState = ReaderState.STARTING;
    private String readerDetail = "looking for the output topics";
    private EmbeddingAnalysis analysis;
    private CollapseDetector.Verdict collapse = CollapseDetector.Verdict.HEALTHY;

    MonitorModel(int maxEmbeddings, int maxSteps) {
        this.maxEmbeddings = maxEmbeddings;
        this.maxSteps = maxSteps;
    }

    synchronized void addMetrics(MetricsEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        if (steps.size() == maxSteps) {
            steps.removeFirst();
        }
        steps.addLast(event);
        stepCount++;
        pairs += event.batchSize();
        if (event.applied()) {
            consecutiveSkipped = 0;
        } else {
            skippedSteps++;
            consecutiveSkipped++;
        }
    }

    synchronized void addEmbedding(EmbeddingEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        if (embeddings.size() == maxEmbeddings) {
            embeddings.removeFirst();
        }
        embeddings.addLast(new Sample(event.embedding(), event.modelStep(), event.metadata()));
        embeddingCount++;
        embeddingsVersion++;
    }

    synchronized void setCheckpoint(Checkpoint checkpoint) {
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint must not be null");
    }

    synchronized void countBadRecord() {
        badRecords++;
    }

    synchronized void setReader(ReaderState state, String detail) {
        this.readerState = state;
        this.readerDetail = detail;
    }

    synchronized void setAnalysis(EmbeddingAnalysis analysis, CollapseDetector.Verdict collapse) {
        this.analysis = analysis;
        this.collapse = collapse;
        if (analysis != null && !Double.isNaN(analysis.effectiveRank())) {
            if (ranks.size() == maxSteps) {
                ranks.removeFirst();
            }
            ranks.addLast(
                    new RankPoint(
                            analysis.computedAtMs(),
                            analysis.maxModelStep(),
                            analysis.effectiveRank()));
        }
    }

    synchronized void setCollapse(CollapseDetector.Verdict collapse) {
        this.collapse = collapse;
    }

    /** The latest {@code limit} metrics events, oldest first. */
    synchronized List<MetricsEvent> recentSteps(int limit) {
        List<MetricsEvent> all = new ArrayList<>(steps);
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    synchronized MetricsEvent latestStep() {
        return steps.peekLast();
    }

    synchronized List<Sample> recentEmbeddings() {
        return new ArrayList<>(embeddings);
    }

    synchronized List<RankPoint> ranks() {
        return new ArrayList<>(ranks);
    }

    synchronized long embeddingsVersion() {
        return embeddingsVersion;
    }

    synchronized Counters counters() {
        return new Counters(
                stepCount, skippedSteps, consecutiveSkipped, pairs, embeddingCount, badRecords);
    }

    synchronized Checkpoint checkpoint() {
        return checkpoint;
    }

    synchronized ReaderState readerState() {
        return readerState;
    }

    synchronized String readerDetail() {
        return readerDetail;
    }

    synchronized EmbeddingAnalysis analysis() {
        return analysis;
    }

    synchronized CollapseDetector.Verdict collapse() {
        return collapse;
    }
}
