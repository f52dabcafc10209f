package io.github.vicregstreams.events;

import java.util.Objects;
import java.util.function.Function;

/**
 * Validates records of an input topic — views, samples or pair events — and turns each into its
 * event or a rejection with its {@link Reason}; it never throws on bad input. Thread-safe and
 * cheap: one per processor is fine.
 *
 * <p>The three inputs share one reader and differ only by their shape, so there is one parser, made
 * by the factory of its input:
 *
 * <ul>
 *   <li>{@link #views}: {@code {"id", "view", "features" | "featuresF32", "timestamp"?,
 *       "metadata"?}}, as {@code schemas/view-event.schema.json} describes;
 *   <li>{@link #samples}: the same without {@code view} ({@code schemas/sample-event.schema.json});
 *   <li>{@link #pairs}: the same without {@code view}, where {@code features} is an array of two
 *       arrays of numbers and {@code featuresF32} an array of two base64 strings, view 0 then view
 *       1 ({@code schemas/pair-event.schema.json}).
 * </ul>
 *
 * <p>In each, the record key must be the id's UTF-8 bytes.
 *
 * @param <T> the event the parser makes
 */
public final class FeatureEventParser<T> {
    private final FeatureEventReader reader;
    private final Function<FeatureEventReader.Fields, T> toEvent;

    private FeatureEventParser(
            FeatureEventReader.Shape shape,
            int inputDim,
            int maxRecordBytes,
            Function<FeatureEventReader.Fields, T> toEvent) {
        this.reader = new FeatureEventReader(shape, inputDim, maxRecordBytes);
        this.toEvent = Objects.requireNonNull(toEvent);
    }

    /**
     * Returns a parser of the views topic with the default record size limit, {@link
     * EventLimits#DEFAULT_MAX_RECORD_BYTES}.
     *
     * @param inputDim the exact number of features every view must have ({@code model.input.dim})
     * @return the parser
     * @throws IllegalArgumentException if {@code inputDim} is below 1
     */
    public static FeatureEventParser<ViewEvent> views(int inputDim) {
        return views(inputDim, EventLimits.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Returns a parser of the views topic.
     *
     * @param inputDim the exact number of features every view must have ({@code model.input.dim})
     * @param maxRecordBytes the most bytes that key and value may take together
     * @return the parser
     * @throws IllegalArgumentException if a limit is below 1
     */
    public static FeatureEventParser<ViewEvent> views(int inputDim, int maxRecordBytes) {
        return new FeatureEventParser<>(
                FeatureEventReader.Shape.VIEW,
                inputDim,
                maxRecordBytes,
                f -> new ViewEvent(f.id, f.view, f.features, f.timestamp, f.metadata));
    }

    /**
     * Returns a parser of the samples topic with the default record size limit, {@link
     * EventLimits#DEFAULT_MAX_RECORD_BYTES}.
     *
     * @param inputDim the exact number of features every sample must have
     * @return the parser
     * @throws IllegalArgumentException if {@code inputDim} is below 1
     */
    public static FeatureEventParser<SampleEvent> samples(int inputDim) {
        return samples(inputDim, EventLimits.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Returns a parser of the samples topic.
     *
     * @param inputDim the exact number of features every sample must have
     * @param maxRecordBytes the most bytes that key and value may take together
     * @return the parser
     * @throws IllegalArgumentException if a limit is below 1
     */
    public static FeatureEventParser<SampleEvent> samples(int inputDim, int maxRecordBytes) {
        return new FeatureEventParser<>(
                FeatureEventReader.Shape.SAMPLE,
                inputDim,
                maxRecordBytes,
                f -> new SampleEvent(f.id, f.features, f.timestamp, f.metadata));
    }

    /**
     * Returns a parser of the pair-events topic with the default record size limit, {@link
     * EventLimits#DEFAULT_MAX_RECORD_BYTES}.
     *
     * @param inputDim the exact number of features each view must have
     * @return the parser
     * @throws IllegalArgumentException if {@code inputDim} is below 1
     */
    public static FeatureEventParser<PairEvent> pairs(int inputDim) {
        return pairs(inputDim, EventLimits.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Returns a parser of the pair-events topic.
     *
     * @param inputDim the exact number of features each view must have
     * @param maxRecordBytes the most bytes that key and value may take together
     * @return the parser
     * @throws IllegalArgumentException if a limit is below 1
     */
    public static FeatureEventParser<PairEvent> pairs(int inputDim, int maxRecordBytes) {
        return new FeatureEventParser<>(
                FeatureEventReader.Shape.PAIR,
                inputDim,
                maxRecordBytes,
                f -> new PairEvent(f.id, f.features, f.features1, f.timestamp, f.metadata));
    }

    /**
     * Returns the number of features every event (each view of a pair event) must have.
     *
     * @return the input dimension
     */
    public int inputDim() {
        return reader.inputDim();
    }

    /**
     * Returns the most bytes that key and value may take together.
     *
     * @return the record size limit
     */
    public int maxRecordBytes() {
        return reader.maxRecordBytes();
    }

    /** The event's name in messages, such as {@code "view event"}. */
    String eventName() {
        return reader.eventName();
    }

    /**
     * Validates one record of the parser's topic.
     *
     * @param key the record key, which must be the id in UTF-8; may be null (then rejected)
     * @param value the record value; may be null (then rejected)
     * @return the event, or the reason and detail of its rejection
     */
    public Parsed<T> parse(byte[] key, byte[] value) {
        return reader.parseRecord(key, value, toEvent);
    }

    /**
     * Validates a value alone, without the key rules; for deserializers, which never see the key.
     *
     * @param value the record value
     * @return the event, or the reason and detail of its rejection
     * @throws NullPointerException if {@code value} is null
     */
    public Parsed<T> parseValue(byte[] value) {
        return reader.parseValue(value, toEvent);
    }
}
