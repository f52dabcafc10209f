package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.Reason;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor's one way to dead-letter a record: it counts the reason ({@link DeadLetterCounter}),
 * logs the record's coordinates at debug level, and forwards the {@code DeadLetter} to the
 * processor's dead-letter sink, keyed by the original key bytes and stamped with the original
 * record timestamp. The caller then skips the record.
 */
final class DeadLetters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final ProcessorContext<Object, Object> context;
    private final String processor;
    private final String sink;
    private final DeadLetterCounter counter;

    /**
     * @param context the processor's context
     * @param processor the processor's node name, for the log and the metric's tag
     * @param sink the dead-letter sink the processor forwards to
     */
    DeadLetters(ProcessorContext<Object, Object> context, String processor, String sink) {
        this.context = context;
        this.processor = processor;
        this.sink = sink;
        this.counter = new DeadLetterCounter(context, processor);
    }

    /**
     * Dead-letters the record being processed, as it came from its source topic: the dead letter
     * carries its coordinates and original bytes, and the input's headers.
     */
    void reject(Record<byte[], byte[]> record, Reason reason, String detail) {
        send(SourceRecord.of(context, record), reason, detail, record.headers());
    }

    /** Dead-letters {@code source}, an input record kept (or rebuilt) since it arrived. */
    void send(SourceRecord source, Reason reason, String detail) {
        send(source, reason, detail, null);
    }

    private void send(SourceRecord source, Reason reason, String detail, Headers headers) {
        log.debug(
                "Dead letter: processor=[{}] reason=[{}] detail=[{}] topic=[{}] partition=[{}]"
                        + " offset=[{}]",
                processor,
                reason.code(),
                detail,
                source.topic(),
                source.partition(),
                source.offset());
        counter.record(reason);
        context.forward(
                new Record<Object, Object>(
                        source.key(),
                        source.deadLetter(reason, detail),
                        source.timestamp(),
                        headers),
                sink);
    }

    @Override
    public void close() {
        counter.close();
    }
}
