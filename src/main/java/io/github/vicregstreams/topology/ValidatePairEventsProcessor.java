package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses each record of the pair-events topic: a valid pair event goes straight to the pairs topic
 * as a {@link TrainingPair} — no pairing store, no second record — and anything else to the
 * dead-letter topic with its reason and original bytes.
 */
final class ValidatePairEventsProcessor extends ValidatingProcessor<PairEvent> {

    /**
     * @param parser parses a pair event
     * @param name this node's name
     * @param deadLettersSink where rejects go
     * @param pairsSink the sink of the pairs topic valid pairs go to
     */
    ValidatePairEventsProcessor(
            FeatureEventParser<PairEvent> parser,
            String name,
            String deadLettersSink,
            String pairsSink) {
        super(parser, name, deadLettersSink, pairsSink);
    }

    @Override
    Object valueFor(Record<byte[], byte[]> record, PairEvent event) {
        // The record timestamp, as for a pair of views (the later of its two records').
        return new TrainingPair(
                event.id(), record.timestamp(), event.metadata(), event.view0(), event.view1());
    }
}
