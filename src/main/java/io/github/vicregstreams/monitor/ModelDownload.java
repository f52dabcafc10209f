package io.github.vicregstreams.monitor;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of {@code /model}: the latest checkpoint's bytes, described by its response headers
 * (step, spec, timestamp, a file name for browsers, and caching by step).
 */
final class ModelDownload {

    /** Response header with the checkpoint's training step. */
    static final String STEP_HEADER = "X-Vicreg-Step";

    /** Response header with the checkpoint's model spec. */
    static final String SPEC_HEADER = "X-Vicreg-Model-Spec";

    /** Response header with the checkpoint record's timestamp, epoch milliseconds. */
    static final String TIMESTAMP_HEADER = "X-Vicreg-Checkpoint-Timestamp";

    /** The content type of a checkpoint. */
    static final String CONTENT_TYPE = "application/octet-stream";

    /** Why there is nothing to download before the first checkpoint (with a 503). */
    static final String NO_CHECKPOINT_YET =
            "No checkpoint has reached the model topic yet; the trainer publishes"
                    + " one every checkpoint interval.";

    private ModelDownload() {}

    /** The response headers of a checkpoint's download, in the order they are set. */
    static Map<String, String> headers(MonitorModel.Checkpoint checkpoint) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(STEP_HEADER, Long.toString(checkpoint.step()));
        headers.put(SPEC_HEADER, checkpoint.spec());
        headers.put(TIMESTAMP_HEADER, Long.toString(checkpoint.timestampMs()));
        headers.put(
                "Last-Modified",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochMilli(checkpoint.timestampMs()).atOffset(ZoneOffset.UTC)));
        headers.put("ETag", "\"step-" + checkpoint.step() + "\"");
        headers.put(
                "Content-Disposition",
                "attachment; filename=\""
                        + fileName(checkpoint.modelName())
                        + "-step-"
                        + checkpoint.step()
                        + ".ckpt\"");
        headers.put("Cache-Control", "no-cache");
        return headers;
    }

    /** The model name as a safe file name: anything but letters, digits, . _ - becomes _. */
    static String fileName(String modelName) {
        String name = modelName == null ? "" : modelName.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() ? "vicreg" : name;
    }
}
