package io.github.vicregstreams.events;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for every event of the package, as {@link Serdes} gives them for plain types.
 *
 * <p>Each serializer and deserializer maps {@code null} to {@code null} and wraps every failure in
 * a {@link SerializationException} whose message names the {@link Reason} code and the bad value.
 * Deserializers are strict: they accept exactly what the schemas under {@code schemas/} accept.
 * Topology code that must not throw on bad input reads bytes and calls {@link
 * FeatureEventParser#parse(byte[], byte[])} instead.
 */
public final class EventSerdes {
    private EventSerdes() {}

    /**
     * Returns a serde for view events that writes features in {@code encoding}.
     *
     * @param parser validates what the deserializer reads
     * @param encoding how the serializer writes features; the deserializer reads both
     * @return the serde
     */
    public static Serde<ViewEvent> viewEvents(
            FeatureEventParser<ViewEvent> parser, FeatureEncoding encoding) {
        return featureEvents(parser, encoding, FeatureEventWriter::write);
    }

    /**
     * Returns a serde for sample events that writes features in {@code encoding}.
     *
     * @param parser validates what the deserializer reads
     * @param encoding how the serializer writes features; the deserializer reads both
     * @return the serde
     */
    public static Serde<SampleEvent> sampleEvents(
            FeatureEventParser<SampleEvent> parser, FeatureEncoding encoding) {
        return featureEvents(parser, encoding, FeatureEventWriter::write);
    }

    /**
     * Returns a serde for pair events that writes both views in {@code encoding}.
     *
     * @param parser validates what the deserializer reads
     * @param encoding how the serializer writes features; the deserializer reads both
     * @return the serde
     */
    public static Serde<PairEvent> pairEvents(
            FeatureEventParser<PairEvent> parser, FeatureEncoding encoding) {
        return featureEvents(parser, encoding, FeatureEventWriter::write);
    }

    /**
     * Returns a serde for pair events that writes their binary form (no JSON: the cheapest input
     * for the learner to read; layout in {@code docs/events.md}).
     *
     * @param parser validates what the deserializer reads, in either form
     * @return the serde
     */
    public static Serde<PairEvent> binaryPairEvents(FeatureEventParser<PairEvent> parser) {
        return featureEvents(parser, FeatureEventBinary::write);
    }

    /**
     * Returns a serde for sample events that writes their binary form (no JSON: the cheapest input
     * for inference to read; layout in {@code docs/events.md}).
     *
     * @param parser validates what the deserializer reads, in either form
     * @return the serde
     */
    public static Serde<SampleEvent> binarySampleEvents(FeatureEventParser<SampleEvent> parser) {
        return featureEvents(parser, FeatureEventBinary::write);
    }

    /** Writes one input event in an encoding; may fail with an I/O error of the generator. */
    @FunctionalInterface
    private interface EncodingWriter<T> {
        byte[] write(T event, FeatureEncoding encoding) throws IOException;
    }

    /** The serde of an input event: the writer in {@code encoding}, the parser's value rules. */
    private static <T> Serde<T> featureEvents(
            FeatureEventParser<T> parser, FeatureEncoding encoding, EncodingWriter<T> writer) {
        Objects.requireNonNull(encoding, "encoding must not be null");
        return featureEvents(parser, event -> writer.write(event, encoding));
    }

    /** The serde of an input event: {@code writer}, and the parser's value rules. */
    private static <T> Serde<T> featureEvents(FeatureEventParser<T> parser, Writer<T> writer) {
        Objects.requireNonNull(parser, "parser must not be null");
        return serde(parser.eventName(), writer, data -> unwrap(parser.parseValue(data)));
    }

    /**
     * Returns a serde for embedding events that writes the vector as a JSON array; it reads both
     * forms.
     *
     * @return the serde
     */
    public static Serde<EmbeddingEvent> embeddingEvents() {
        return embeddingEvents(FeatureEncoding.JSON_ARRAY);
    }

    /**
     * Returns a serde for embedding events that writes the vector in the given form ({@code
     * embedding} array, or {@code embeddingF32} base64 of little-endian float32); it reads both.
     *
     * @param encoding how to write the vector
     * @return the serde
     */
    public static Serde<EmbeddingEvent> embeddingEvents(FeatureEncoding encoding) {
        Objects.requireNonNull(encoding, "encoding must not be null");
        return serde(
                "embedding event",
                e -> EmbeddingEventJson.write(e, encoding),
                EmbeddingEventJson::read);
    }

    /**
     * Returns a serde for metrics events.
     *
     * @return the serde
     */
    public static Serde<MetricsEvent> metricsEvents() {
        return serde("metrics event", MetricsEventJson::write, MetricsEventJson::read);
    }

    /**
     * Returns a serde for model version events.
     *
     * @return the serde
     */
    public static Serde<ModelVersionEvent> modelVersionEvents() {
        return serde(
                "model version event", ModelVersionEventJson::write, ModelVersionEventJson::read);
    }

    /**
     * Returns a serde for dead letters.
     *
     * @return the serde
     */
    public static Serde<DeadLetter> deadLetters() {
        return serde("dead letter", DeadLetterJson::write, DeadLetterJson::read);
    }

    private static <T> T unwrap(Parsed<T> parsed) {
        if (parsed instanceof Parsed.Rejected<T> rejected) {
            throw new Rejection(rejected.reason(), rejected.detail());
        }
        return parsed.value();
    }

    /** Writes one event; may fail with an I/O error of the generator. */
    @FunctionalInterface
    private interface Writer<T> {
        byte[] write(T event) throws IOException;
    }

    private static <T> Serde<T> serde(
            String eventName, Writer<T> writer, Function<byte[], T> reader) {
        Serializer<T> serializer =
                (topic, event) -> {
                    if (event == null) {
                        return null;
                    }
                    try {
                        return writer.write(event);
                    } catch (IOException e) {
                        throw new SerializationException(
                                "Could not serialize a " + eventName + " for topic " + topic, e);
                    }
                };
        Deserializer<T> deserializer =
                (topic, data) -> {
                    if (data == null) {
                        return null;
                    }
                    try {
                        return reader.apply(data);
                    } catch (Rejection r) {
                        throw new SerializationException(
                                "Not a valid "
                                        + eventName
                                        + " on topic "
                                        + topic
                                        + ": "
                                        + r.reason().code()
                                        + ": "
                                        + r.detail());
                    }
                };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
