package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.InputEvent;
import io.github.vicregstreams.events.Parsed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The first node after an input source: parses each raw record, sends a reject to the dead-letter
 * sink with its reason and original bytes (counted by reason), and forwards a valid event, keyed by
 * its id, to the next node as the value the subclass makes of it. Never throws on bad input.
 *
 * @param <E> the event the input's parser makes
 */
abstract class ValidatingProcessor<E extends InputEvent>
        extends ContextualProcessor<byte[], byte[], Object, Object> {

    private final FeatureEventParser<E> parser;
    private final String name;
    private final String deadLettersSink;
    private final String next;
    private DeadLetters deadLetters;

    /**
     * @param parser parses the input's records
     * @param name the processor's node name, for its dead-letter metrics
     * @param deadLettersSink the sink rejects go to
     * @param next the node valid events go to
     */
    ValidatingProcessor(
            FeatureEventParser<E> parser, String name, String deadLettersSink, String next) {
        this.parser = parser;
        this.name = name;
        this.deadLettersSink = deadLettersSink;
        this.next = next;
    }

    /** What the next node receives for a valid event parsed from {@code record}. */
    abstract Object valueFor(Record<byte[], byte[]> record, E event);

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        deadLetters = new DeadLetters(context, name, deadLettersSink);
    }

    @Override
    public final void process(Record<byte[], byte[]> record) {
        Parsed<E> parsed = parser.parse(record.key(), record.value());
        if (parsed instanceof Parsed.Rejected<E> rejected) {
            deadLetters.reject(record, rejected.reason(), rejected.detail());
            return;
        }
        E event = parsed.value();
        context()
                .forward(
                        record.withKey((Object) event.id()).withValue(valueFor(record, event)),
                        next);
    }

    @Override
    public void close() {
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
