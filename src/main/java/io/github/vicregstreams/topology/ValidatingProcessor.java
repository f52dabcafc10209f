package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.Parsed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The first node after an input source: parses each raw record, sends a reject to the dead-letter
 * sink with its reason and original bytes (counted by reason), and hands a valid event to the
 * subclass. Never throws on bad input.
 *
 * @param <E> the event the input's parser makes
 */
abstract class ValidatingProcessor<E> extends ContextualProcessor<byte[], byte[], Object, Object> {

    private final String name;
    private final String deadLettersSink;
    private DeadLetters deadLetters;

    /**
     * @param name the processor's node name, for its dead-letter metrics
     * @param deadLettersSink the sink rejects go to
     */
    ValidatingProcessor(String name, String deadLettersSink) {
        this.name = name;
        this.deadLettersSink = deadLettersSink;
    }

    /** Parses a record's key and value; never throws on bad input. */
    abstract Parsed<E> parse(byte[] key, byte[] value);

    /** Forwards a valid event, parsed from {@code record}. */
    abstract void accept(Record<byte[], byte[]> record, E event);

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        deadLetters = new DeadLetters(context, name, deadLettersSink);
    }

    @Override
    public final void process(Record<byte[], byte[]> record) {
        Parsed<E> parsed = parse(record.key(), record.value());
        if (parsed instanceof Parsed.Rejected<E> rejected) {
            deadLetters.reject(record, rejected.reason(), rejected.detail());
            return;
        }
        accept(record, parsed.value());
    }

    @Override
    public void close() {
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
