package io.github.vicregstreams.topology;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Model versions: how often the trainer promotes a checkpoint to a numbered version that inference
 * serves, and how a new version's embeddings are aligned with the previous one's.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them.
 */
final class VersionKeys {

    private static final String INTERVAL_STEPS_DOC =
            "Training steps between model versions: at the first checkpoint this many steps after the"
                    + " last version (or after step 0), the trainer promotes it to the next version."
                    + " Inference then embeds with versions only, every item of topic.items is embedded"
                    + " again with the new one (the backfill), and a complete event on"
                    + " topic.model-versions says when it is whole. 0 (with model.version.interval.ms"
                    + " 0): no versions, inference uses every checkpoint as it comes.";
    private static final String INTERVAL_MS_DOC =
            "Wall-clock milliseconds between model versions, as model.version.interval.steps; either"
                    + " interval that has passed promotes the next checkpoint. A version is never"
                    + " promoted while the previous one's backfill is running. 0: by steps only.";
    private static final String ALIGN_DOC =
            "none, or procrustes: a new version's embeddings are rotated onto the previous version's"
                    + " space (orthogonal Procrustes, fitted on the first"
                    + " model.version.align.reference.items items), so that consumers that cannot"
                    + " re-index still get comparable neighbours.";
    private static final String ALIGN_REFERENCE_ITEMS_DOC =
            "Items (the first, in key order) on which the procrustes alignment is fitted.";

    private VersionKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG,
                        Type.LONG,
                        0L,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        INTERVAL_STEPS_DOC)
                .define(
                        LearnerConfig.MODEL_VERSION_INTERVAL_MS_CONFIG,
                        Type.LONG,
                        0L,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        INTERVAL_MS_DOC)
                .define(
                        LearnerConfig.MODEL_VERSION_ALIGN_CONFIG,
                        Type.STRING,
                        "none",
                        ConfigDef.ValidString.in("none", "procrustes"),
                        Importance.LOW,
                        ALIGN_DOC)
                .define(
                        LearnerConfig.MODEL_VERSION_ALIGN_REFERENCE_ITEMS_CONFIG,
                        Type.INT,
                        1024,
                        ConfigDef.Range.atLeast(2),
                        Importance.LOW,
                        ALIGN_REFERENCE_ITEMS_DOC);
    }

    /** The version settings a configuration gives. */
    static VersionSettings settings(LearnerConfig config) {
        return new VersionSettings(
                config.getLong(LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG),
                config.getLong(LearnerConfig.MODEL_VERSION_INTERVAL_MS_CONFIG),
                config.getString(LearnerConfig.MODEL_VERSION_ALIGN_CONFIG).equals("procrustes"),
                config.getInt(LearnerConfig.MODEL_VERSION_ALIGN_REFERENCE_ITEMS_CONFIG));
    }
}
