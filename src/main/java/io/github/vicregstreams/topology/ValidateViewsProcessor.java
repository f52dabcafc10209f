package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.ViewEvent;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses each record of the views topic: a valid view goes on to pairing, with the record it came
 * from; anything else to the dead-letter topic with its reason and original bytes.
 */
final class ValidateViewsProcessor extends ValidatingProcessor<ViewEvent> {

    /**
     * @param parser parses a view
     * @param name this node's name
     * @param deadLettersSink where rejects go
     * @param pairing the pairing node valid views go to
     */
    ValidateViewsProcessor(
            FeatureEventParser<ViewEvent> parser,
            String name,
            String deadLettersSink,
            String pairing) {
        super(parser, name, deadLettersSink, pairing);
    }

    @Override
    Object valueFor(Record<byte[], byte[]> record, ViewEvent view) {
        return new ValidatedView(view, SourceRecord.of(context(), record));
    }
}
