package io.github.vicregstreams.cli;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.topology.LearnerConfig;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The demo's producer: streams the plan's pairs to the views topic (or, with {@code
 * train.source=samples}, its samples to the samples topic) on a thread of its own, while the demo's
 * thread follows the training; tells how many it has sent, and whether it is done.
 */
final class DemoProducer {

    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Thread thread;

    /**
     * @param stop checked before each pair; true ends the stream early (Ctrl-C)
     */
    DemoProducer(DemoPlan plan, String bootstrap, BooleanSupplier stop) {
        this.thread =
                new Thread(
                        () -> {
                            try (PairProducer producer =
                                    new PairProducer(
                                            bootstrap,
                                            plan.train().featureDim(),
                                            FeatureEncoding.FLOAT32_BASE64,
                                            plan.config().producerConfigs(),
                                            pairEventWriter(plan),
                                            PairProducer.jsonSamples(
                                                    plan.train().featureDim(),
                                                    FeatureEncoding.FLOAT32_BASE64))) {
                                producer.send(
                                        plan.train(),
                                        "train",
                                        plan.views(),
                                        plan.train().rows(),
                                        plan.passes(),
                                        plan.rate(),
                                        // A learner that draws the views itself gets the
                                        // samples alone.
                                        plan.config().trainsOnSamples()
                                                ? null
                                                : pairsTopic(plan.config()),
                                        plan.config().trainsOnSamples()
                                                ? plan.config().topics().samples()
                                                : null,
                                        sent::set,
                                        stop);
                            } catch (Exception e) {
                                failure.set(e);
                            } finally {
                                done.set(true);
                            }
                        },
                        "vicreg-demo-producer");
    }

    /**
     * Where the demo sends its pairs: the pair-events topic for a trainer that reads it itself,
     * else the views topic.
     */
    static String pairsTopic(LearnerConfig config) {
        return config.trainsOnPairEventsOnly()
                ? config.topics().pairEvents()
                : config.topics().views();
    }

    /** Pair events in their binary form for a trainer that reads them itself, else views. */
    private static Serializer<PairEvent> pairEventWriter(DemoPlan plan) {
        return plan.config().trainsOnPairEventsOnly()
                ? EventSerdes.binaryPairEvents(FeatureEventParser.pairs(plan.train().featureDim()))
                        .serializer()
                : null;
    }

    void start() {
        thread.start();
    }

    void join() throws InterruptedException {
        thread.join();
    }

    /** The pairs sent so far. */
    long sent() {
        return sent.get();
    }

    /** Whether it has stopped sending: every pair sent, stopped early, or failed. */
    boolean done() {
        return done.get();
    }

    /** Throws why the producer failed, if it did. */
    void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw e instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(ErrorHandler.oneLine(e));
        }
    }
}
