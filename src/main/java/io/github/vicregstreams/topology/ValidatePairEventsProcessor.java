package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses each record of the pair-events topic: a valid pair event goes on as a {@link TrainingPair}
 * — no pairing store, no second record — to the pairs topic, or with {@code
 * train.source=pair-events} straight to the trainer in the same task; anything else goes to the
 * dead-letter topic with its reason and original bytes.
 */
final class ValidatePairEventsProcessor extends ValidatingProcessor<PairEvent> {

    /**
     * @param parser parses a pair event
     * @param name this node's name
     * @param deadLettersSink where rejects go
     * @param next where valid pairs go: the pairs topic's sink, or the trainer
     */
    ValidatePairEventsProcessor(
            FeatureEventParser<PairEvent> parser,
            String name,
            String deadLettersSink,
            String next) {
        super(parser, name, deadLettersSink, next);
    }

    @Override
    Object valueFor(Record<byte[], byte[]> record, PairEvent event) {
        return TrainingPair.of(event, record.timestamp());
    }
}
