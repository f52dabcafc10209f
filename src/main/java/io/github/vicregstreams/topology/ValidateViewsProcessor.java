package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.ViewEvent;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses each record of the views topic: a valid view goes on to pairing, with the record it came
 * from; anything else to the dead-letter topic with its reason and original bytes.
 */
final class ValidateViewsProcessor extends ValidatingProcessor<ViewEvent> {

    private final FeatureEventParser<ViewEvent> parser;
    private final String pairing;

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
        super(name, deadLettersSink);
        this.parser = parser;
        this.pairing = pairing;
    }

    @Override
    Parsed<ViewEvent> parse(byte[] key, byte[] value) {
        return parser.parse(key, value);
    }

    @Override
    void accept(Record<byte[], byte[]> record, ViewEvent event) {
        SourceRecord source = SourceRecord.of(context(), record);
        context()
                .forward(
                        record.withKey((Object) event.id())
                                .withValue(new ValidatedView(event, source)),
                        pairing);
    }
}
