package io.github.vicregstreams.topology;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What the learner publishes as embeddings, and how it batches the samples it embeds.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them.
 */
final class InferenceKeys {

    private static final String EMBEDDING_SOURCE_DOC =
            "Embedding published for a trained pair: mean (of the two views' encoder outputs) or view0.";
    private static final String INFERENCE_BATCH_SIZE_DOC =
            "Most samples embedded in one forward pass. Above 1, samples wait in memory until this"
                    + " many are there or inference.batch.linger.ms passes, where their batch starts on"
                    + " the samples topic kept in a changelogged store (safe under exactly-once: after a"
                    + " crash they are read back from the topic); 1 embeds each sample as it arrives,"
                    + " with no buffer.";
    private static final String INFERENCE_BATCH_LINGER_MS_DOC =
            "Wall-clock interval at which samples waiting for a full inference batch are embedded"
                    + " anyway: about the most a sample waits when its partition is quiet.";
    private static final String EMBEDDING_FORMAT_DOC =
            "How embeddings carry their vector: json (an \"embedding\" array of numbers) or f32"
                    + " (\"embeddingF32\", base64 of little-endian float32: exact, a third the size, and"
                    + " several times cheaper to write; recommended for throughput).";

    private InferenceKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.EMBEDDING_SOURCE_CONFIG,
                        Type.STRING,
                        "mean",
                        ConfigDef.ValidString.in("mean", "view0"),
                        Importance.LOW,
                        EMBEDDING_SOURCE_DOC)
                .define(
                        LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                        Type.INT,
                        32,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        INFERENCE_BATCH_SIZE_DOC)
                .define(
                        LearnerConfig.INFERENCE_BATCH_LINGER_MS_CONFIG,
                        Type.LONG,
                        20L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        INFERENCE_BATCH_LINGER_MS_DOC)
                .define(
                        LearnerConfig.EMBEDDING_FORMAT_CONFIG,
                        Type.STRING,
                        "json",
                        ConfigDef.ValidString.in("json", "f32"),
                        Importance.LOW,
                        EMBEDDING_FORMAT_DOC);
    }
}
