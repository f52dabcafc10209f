package io.github.vicregstreams.events;

/**
 * Validates records of the views topic and turns each into a {@link ViewEvent} or a rejection with
 * its {@link Reason}; it never throws on bad input. Thread-safe and cheap: one per processor is
 * fine.
 *
 * <p>A value is a JSON object {@code {"id", "view", "features" | "featuresF32", "timestamp"?,
 * "metadata"?}} as {@code schemas/view-event.schema.json} describes, and the record key must be the
 * id's UTF-8 bytes.
 */
public final class ViewEventParser {
    private final FeatureEventReader reader;

    /**
     * Creates a parser with the default record size limit, {@link
     * EventLimits#DEFAULT_MAX_RECORD_BYTES}.
     *
     * @param inputDim the exact number of features every view must have ({@code model.input.dim})
     * @throws IllegalArgumentException if {@code inputDim} is below 1
     */
    public ViewEventParser(int inputDim) {
        this(inputDim, EventLimits.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Creates a parser.
     *
     * @param inputDim the exact number of features every view must have ({@code model.input.dim})
     * @param maxRecordBytes the most bytes that key and value may take together
     * @throws IllegalArgumentException if a limit is below 1
     */
    public ViewEventParser(int inputDim, int maxRecordBytes) {
        this.reader =
                new FeatureEventReader(
                        "view event", FeatureEventReader.Shape.VIEW, inputDim, maxRecordBytes);
    }

    /**
     * Returns the number of features every view must have.
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
     * Validates one record of the views topic.
     *
     * @param key the record key, which must be the id in UTF-8; may be null (then rejected)
     * @param value the record value; may be null (then rejected)
     * @return the view event, or the reason and detail of its rejection
     */
    public Parsed<ViewEvent> parse(byte[] key, byte[] value) {
        return reader.parseRecord(key, value, ViewEventParser::toEvent);
    }

    /**
     * Validates a value alone, without the key rules; for deserializers, which never see the key.
     *
     * @param value the record value
     * @return the view event, or the reason and detail of its rejection
     * @throws NullPointerException if {@code value} is null
     */
    public Parsed<ViewEvent> parseValue(byte[] value) {
        return reader.parseValue(value, ViewEventParser::toEvent);
    }

    private static ViewEvent toEvent(FeatureEventReader.Fields fields) {
        return new ViewEvent(
                fields.id, fields.view, fields.features, fields.timestamp, fields.metadata);
    }
}
