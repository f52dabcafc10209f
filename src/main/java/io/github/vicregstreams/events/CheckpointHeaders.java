package io.github.vicregstreams.events;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a model-topic record. Its key is the model name and its value a checkpoint in the
 * core's binary format; the headers let a consumer pick a checkpoint without decoding it.
 *
 * <p>Both headers are UTF-8 text, readable with any Kafka tool: {@value #STEP} is the training step
 * in decimal, {@value #MODEL_SPEC} the model spec string of the checkpoint.
 */
public final class CheckpointHeaders {
    /** Header with the training step of the checkpoint, decimal UTF-8. */
    public static final String STEP = "vicreg.step";

    /** Header with the model spec of the checkpoint, UTF-8. */
    public static final String MODEL_SPEC = "vicreg.model.spec";

    private CheckpointHeaders() {}

    /**
     * Returns new headers for a checkpoint.
     *
     * @param step the training step, at least 0
     * @param modelSpec the model spec string
     * @return mutable headers holding both
     * @throws IllegalArgumentException if {@code step} is negative
     */
    public static Headers of(long step, String modelSpec) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be at least 0. Got: " + step);
        }
        Objects.requireNonNull(modelSpec, "modelSpec must not be null");
        Headers headers = new RecordHeaders();
        headers.add(STEP, Long.toString(step).getBytes(StandardCharsets.UTF_8));
        headers.add(MODEL_SPEC, modelSpec.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /**
     * Reads the training step.
     *
     * @param headers the record's headers
     * @return the step
     * @throws IllegalArgumentException if the header is missing or not a non-negative decimal
     */
    public static long step(Headers headers) {
        String text = text(headers, STEP);
        try {
            long step = Long.parseLong(text);
            if (step >= 0) {
                return step;
            }
        } catch (NumberFormatException e) {
            // reported below, with the bad value
        }
        throw new IllegalArgumentException(
                "Header "
                        + STEP
                        + " must be a non-negative decimal int64. Got: "
                        + EventLimits.quote(text));
    }

    /**
     * Reads the model spec.
     *
     * @param headers the record's headers
     * @return the model spec string
     * @throws IllegalArgumentException if the header is missing
     */
    public static String modelSpec(Headers headers) {
        return text(headers, MODEL_SPEC);
    }

    private static String text(Headers headers, String name) {
        Objects.requireNonNull(headers, "headers must not be null");
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            throw new IllegalArgumentException(
                    "A model-topic record must carry header " + name + ". Got: none");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
