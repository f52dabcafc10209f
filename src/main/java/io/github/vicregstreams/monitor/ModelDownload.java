package io.github.vicregstreams.monitor;

import io.github.vicregstreams.vicreg.EncoderExport;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of {@code /model}: the latest checkpoint in the format the query asks for ({@code
 * ?format=checkpoint}, the default: its bytes as the trainer wrote them; {@code
 * ?format=safetensors}: the encoder's weights, {@link EncoderExport}), described by its response
 * headers (step, spec, timestamp, a file name for browsers, and caching by step and format).
 *
 * <p>Thread-safe: the monitor's HTTP threads share one, which keeps the safetensors file of the
 * latest checkpoint so that repeated downloads of one checkpoint convert it once.
 */
final class ModelDownload {

    /** The query parameter that chooses the format. */
    static final String FORMAT_PARAMETER = "format";

    /** What {@code /model} can answer with. */
    enum Format {
        /** The checkpoint as the trainer wrote it (the default): what the learner restores. */
        CHECKPOINT("checkpoint", ".ckpt", "application/octet-stream"),
        /** The encoder's weights as safetensors, with the spec and layers in the metadata. */
        SAFETENSORS("safetensors", EncoderExport.FILE_EXTENSION, EncoderExport.CONTENT_TYPE);

        private final String queryName;
        private final String extension;
        private final String contentType;

        Format(String queryName, String extension, String contentType) {
            this.queryName = queryName;
            this.extension = extension;
            this.contentType = contentType;
        }

        String contentType() {
            return contentType;
        }
    }

    /** A response to send: status 200, headers, content type and body. */
    record Download(Map<String, String> headers, String contentType, byte[] body) {}

    /** Response header with the checkpoint's training step. */
    static final String STEP_HEADER = "X-Vicreg-Step";

    /** Response header with the checkpoint's model spec. */
    static final String SPEC_HEADER = "X-Vicreg-Model-Spec";

    /** Response header with the checkpoint record's timestamp, epoch milliseconds. */
    static final String TIMESTAMP_HEADER = "X-Vicreg-Checkpoint-Timestamp";

    /** Why there is nothing to download before the first checkpoint (with a 503). */
    static final String NO_CHECKPOINT_YET =
            "No checkpoint has reached the model topic yet; the trainer publishes"
                    + " one every checkpoint interval.";

    // The last conversion, for the checkpoint it was made from (compared by identity).
    private MonitorModel.Checkpoint convertedFrom;
    private byte[] converted;

    /**
     * The format a request asks for: the {@value #FORMAT_PARAMETER} parameter of its query.
     *
     * @param uri the request's URI
     * @return the format; {@link Format#CHECKPOINT} without the parameter
     * @throws IllegalArgumentException naming the formats, if the parameter names none of them
     */
    static Format format(URI uri) {
        String query = uri.getRawQuery();
        Format format = Format.CHECKPOINT;
        if (query == null) {
            return format;
        }
        for (String part : query.split("&")) {
            if (!part.startsWith(FORMAT_PARAMETER + "=")) {
                continue;
            }
            String value =
                    URLDecoder.decode(
                            part.substring(FORMAT_PARAMETER.length() + 1), StandardCharsets.UTF_8);
            format = null;
            for (Format f : Format.values()) {
                if (f.queryName.equals(value)) {
                    format = f;
                }
            }
            if (format == null) {
                throw new IllegalArgumentException(
                        "Unknown model format: "
                                + (value.length() > 40 ? value.substring(0, 40) + "…" : value)
                                + ". Use format=checkpoint (the default: what the learner restores)"
                                + " or format=safetensors (the encoder's weights).");
            }
        }
        return format;
    }

    /**
     * The download of a checkpoint in a format.
     *
     * @param checkpoint the latest checkpoint
     * @param format what to send
     * @return the headers and body to send with status 200
     */
    Download download(MonitorModel.Checkpoint checkpoint, Format format) {
        byte[] body =
                switch (format) {
                    case CHECKPOINT -> checkpoint.bytes();
                    case SAFETENSORS -> safetensors(checkpoint);
                };
        return new Download(headers(checkpoint, format), format.contentType(), body);
    }

    private synchronized byte[] safetensors(MonitorModel.Checkpoint checkpoint) {
        if (convertedFrom != checkpoint) {
            // The reader verified the checkpoint before the model kept it; any spec is served.
            converted = EncoderExport.safetensors(checkpoint.bytes(), null, checkpoint.modelName());
            convertedFrom = checkpoint;
        }
        return converted;
    }

    /** The response headers of a checkpoint's download, in the order they are set. */
    static Map<String, String> headers(MonitorModel.Checkpoint checkpoint, Format format) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(STEP_HEADER, Long.toString(checkpoint.step()));
        headers.put(SPEC_HEADER, checkpoint.spec());
        headers.put(TIMESTAMP_HEADER, Long.toString(checkpoint.timestampMs()));
        headers.put(
                "Last-Modified",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochMilli(checkpoint.timestampMs()).atOffset(ZoneOffset.UTC)));
        // One entity tag per representation: a cache must not answer one format with the other.
        headers.put(
                "ETag",
                "\"step-"
                        + checkpoint.step()
                        + (format == Format.CHECKPOINT ? "" : "-" + format.queryName)
                        + "\"");
        headers.put(
                "Content-Disposition",
                "attachment; filename=\""
                        + fileName(checkpoint.modelName())
                        + "-step-"
                        + checkpoint.step()
                        + format.extension
                        + "\"");
        headers.put("Cache-Control", "no-cache");
        return headers;
    }

    /** The model name as a safe file name: anything but letters, digits, . _ - becomes _. */
    static String fileName(String modelName) {
        String name = modelName == null ? "" : modelName.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() ? "vicreg" : name;
    }
}
