package io.github.vicregstreams.events;

/**
 * Validates records of the samples topic and turns each into a {@link SampleEvent} or a rejection
 * with its {@link Reason}; it never throws on bad input. Thread-safe and cheap: one per processor
 * is fine.
 *
 * <p>A value is a JSON object {@code {"id", "features" | "featuresF32", "timestamp"?, "metadata"?}}
 * as {@code schemas/sample-event.schema.json} describes, and the record key must be the id's UTF-8
 * bytes.
 */
public final class SampleEventParser {
    private final FeatureEventReader reader;

    /**
     * Creates a parser with the default record size limit, {@link
     * EventLimits#DEFAULT_MAX_RECORD_BYTES}.
     *
     * @param inputDim the exact number of features every sample must have ({@code model.input.dim})
     * @throws IllegalArgumentException if {@code inputDim} is below 1
     */
    public SampleEventParser(int inputDim) {
        this(inputDim, EventLimits.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Creates a parser.
     *
     * @param inputDim the exact number of features every sample must have ({@code model.input.dim})
     * @param maxRecordBytes the most bytes that key and value may take together
     * @throws IllegalArgumentException if a limit is below 1
     */
    public SampleEventParser(int inputDim, int maxRecordBytes) {
        this.reader =
                new FeatureEventReader(
                        "sample event", FeatureEventReader.Shape.SAMPLE, inputDim, maxRecordBytes);
    }

    /**
     * Returns the number of features every sample must have.
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

    /**
     * Validates one record of the samples topic.
     *
     * @param key the record key, which must be the id in UTF-8; may be null (then rejected)
     * @param value the record value; may be null (then rejected)
     * @return the sample event, or the reason and detail of its rejection
     */
    public Parsed<SampleEvent> parse(byte[] key, byte[] value) {
        return reader.parseRecord(key, value, SampleEventParser::toEvent);
    }

    /**
     * Validates a value alone, without the key rules; for deserializers, which never see the key.
     *
     * @param value the record value
     * @return the sample event, or the reason and detail of its rejection
     * @throws NullPointerException if {@code value} is null
     */
    public Parsed<SampleEvent> parseValue(byte[] value) {
        return reader.parseValue(value, SampleEventParser::toEvent);
    }

    private static SampleEvent toEvent(FeatureEventReader.Fields fields) {
        return new SampleEvent(fields.id, fields.features, fields.timestamp, fields.metadata);
    }
}
