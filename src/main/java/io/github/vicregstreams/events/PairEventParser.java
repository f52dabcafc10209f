package io.github.vicregstreams.events;

/**
 * Validates records of the pair-events topic and turns each into a {@link PairEvent} or a rejection
 * with its {@link Reason}; it never throws on bad input. Thread-safe.
 *
 * <p>A value is a JSON object {@code {"id", "features" | "featuresF32", "timestamp"?, "metadata"?}}
 * where {@code features} is an array of two arrays of numbers and {@code featuresF32} an array of
 * two base64 strings, view 0 then view 1, as {@code schemas/pair-event.schema.json} describes; the
 * record key must be the id's UTF-8 bytes.
 */
public final class PairEventParser {
    private final FeatureEventReader reader;

    /**
     * Creates a parser.
     *
     * @param inputDim the exact number of features each view must have ({@code model.input.dim})
     * @param maxRecordBytes the most bytes that key and value may take together
     * @throws IllegalArgumentException if a limit is below 1
     */
    public PairEventParser(int inputDim, int maxRecordBytes) {
        this.reader =
                new FeatureEventReader(
                        "pair event", FeatureEventReader.Shape.PAIR, inputDim, maxRecordBytes);
    }

    /**
     * Creates a parser with the default record size limit, {@link
     * EventLimits#DEFAULT_MAX_RECORD_BYTES}.
     *
     * @param inputDim the exact number of features each view must have
     */
    public PairEventParser(int inputDim) {
        this(inputDim, EventLimits.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Validates one record of the pair-events topic.
     *
     * @param key the record key, which must be the id in UTF-8; may be null (then rejected)
     * @param value the record value; may be null (then rejected)
     * @return the pair event, or the reason and detail of its rejection
     */
    public Parsed<PairEvent> parse(byte[] key, byte[] value) {
        return reader.parseRecord(key, value, PairEventParser::toEvent);
    }

    /**
     * Validates a value alone, without the key rules.
     *
     * @param value the record value
     * @return the pair event, or the reason and detail of its rejection
     * @throws NullPointerException if {@code value} is null
     */
    public Parsed<PairEvent> parseValue(byte[] value) {
        return reader.parseValue(value, PairEventParser::toEvent);
    }

    private static PairEvent toEvent(FeatureEventReader.Fields fields) {
        return new PairEvent(
                fields.id, fields.features, fields.features1, fields.timestamp, fields.metadata);
    }
}
