package io.github.vicregstreams.topology;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The other topics the learner reads and writes, and how it creates the topics it owns.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them; and the values that
 * several of them make together.
 */
final class TopicKeys {

    private static final String TOPIC_SAMPLES_DOC =
            "Input: un-augmented samples to embed with the latest model (SampleEvent JSON).";
    private static final String TOPIC_METRICS_DOC = "Output: one MetricsEvent per training step.";
    private static final String TOPIC_DEAD_LETTERS_DOC =
            "Output: every rejected record, with its reason and original bytes (DeadLetter JSON).";
    private static final String TOPIC_MODEL_DOC =
            "Output: checkpoints (binary), key = model.name; compacted, so it keeps the latest.";
    private static final String TOPIC_PAIRS_DOC =
            "Internal: paired views on their way to the single trainer partition. The application"
                    + " creates it with one partition.";
    private static final String TOPIC_PAIR_EVENTS_DOC =
            "Input: both views of a sample in one record (PairEvent JSON, key = sample id), for"
                    + " producers that make the two views together: they skip pairing. Either input or"
                    + " both may be used.";
    private static final String TOPIC_ITEMS_DOC =
            "Items consumers index, used while model versions are on: the latest sample per id"
                    + " (SampleEvent JSON, key = id; compacted). Every valid sample of topic.samples is"
                    + " written here too, and each new model version embeds every item again (the"
                    + " backfill). The application creates it with one partition and compacted; it must"
                    + " have one partition.";
    private static final String TOPIC_MODEL_VERSIONS_DOC =
            "Output: ModelVersionEvent JSON, promoted and complete, key = <model.name>/<version>/<type>;"
                    + " one partition, compacted.";
    private static final String TOPIC_PARTITIONS_DOC =
            "Partitions of the views, samples, embeddings and dead-letter topics when the application"
                    + " creates them (existing topics keep theirs).";
    private static final String TOPIC_REPLICATION_FACTOR_DOC =
            "Replication factor of the topics the application creates; -1 takes the broker's default.";

    private TopicKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.TOPIC_SAMPLES_CONFIG,
                        Type.STRING,
                        "vicreg.samples",
                        TopicNameValidator.INSTANCE,
                        Importance.MEDIUM,
                        TOPIC_SAMPLES_DOC)
                .define(
                        LearnerConfig.TOPIC_METRICS_CONFIG,
                        Type.STRING,
                        "vicreg.metrics",
                        TopicNameValidator.INSTANCE,
                        Importance.MEDIUM,
                        TOPIC_METRICS_DOC)
                .define(
                        LearnerConfig.TOPIC_DEAD_LETTERS_CONFIG,
                        Type.STRING,
                        "vicreg.dead-letters",
                        TopicNameValidator.INSTANCE,
                        Importance.MEDIUM,
                        TOPIC_DEAD_LETTERS_DOC)
                .define(
                        LearnerConfig.TOPIC_MODEL_CONFIG,
                        Type.STRING,
                        "vicreg.model",
                        TopicNameValidator.INSTANCE,
                        Importance.MEDIUM,
                        TOPIC_MODEL_DOC)
                .define(
                        LearnerConfig.TOPIC_PAIRS_CONFIG,
                        Type.STRING,
                        "vicreg.pairs",
                        TopicNameValidator.INSTANCE,
                        Importance.LOW,
                        TOPIC_PAIRS_DOC)
                .define(
                        LearnerConfig.TOPIC_PAIR_EVENTS_CONFIG,
                        Type.STRING,
                        "vicreg.pair-events",
                        TopicNameValidator.INSTANCE,
                        Importance.MEDIUM,
                        TOPIC_PAIR_EVENTS_DOC)
                .define(
                        LearnerConfig.TOPIC_ITEMS_CONFIG,
                        Type.STRING,
                        "vicreg.items",
                        TopicNameValidator.INSTANCE,
                        Importance.MEDIUM,
                        TOPIC_ITEMS_DOC)
                .define(
                        LearnerConfig.TOPIC_MODEL_VERSIONS_CONFIG,
                        Type.STRING,
                        "vicreg.model-versions",
                        TopicNameValidator.INSTANCE,
                        Importance.MEDIUM,
                        TOPIC_MODEL_VERSIONS_DOC)
                .define(
                        LearnerConfig.TOPIC_PARTITIONS_CONFIG,
                        Type.INT,
                        1,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        TOPIC_PARTITIONS_DOC)
                .define(
                        LearnerConfig.TOPIC_REPLICATION_FACTOR_CONFIG,
                        Type.SHORT,
                        (short) -1,
                        Importance.LOW,
                        TOPIC_REPLICATION_FACTOR_DOC);
    }

    /** The topic names a configuration gives. */
    static Topics topics(LearnerConfig config) {
        return new Topics(
                config.getString(LearnerConfig.TOPIC_VIEWS_CONFIG),
                config.getString(LearnerConfig.TOPIC_SAMPLES_CONFIG),
                config.getString(LearnerConfig.TOPIC_EMBEDDINGS_CONFIG),
                config.getString(LearnerConfig.TOPIC_METRICS_CONFIG),
                config.getString(LearnerConfig.TOPIC_DEAD_LETTERS_CONFIG),
                config.getString(LearnerConfig.TOPIC_MODEL_CONFIG),
                config.getString(LearnerConfig.TOPIC_PAIRS_CONFIG),
                config.getString(LearnerConfig.TOPIC_PAIR_EVENTS_CONFIG),
                config.getString(LearnerConfig.TOPIC_ITEMS_CONFIG),
                config.getString(LearnerConfig.TOPIC_MODEL_VERSIONS_CONFIG));
    }

    /**
     * Refuses two settings that name the same topic: the learner would read its own output, or two
     * outputs would mix.
     *
     * @throws ConfigException naming the second setting
     */
    static void requireDistinct(Topics topics) {
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> topic : topics.byKey().entrySet()) {
            if (!seen.add(topic.getValue())) {
                throw new ConfigException(
                        topic.getKey(),
                        topic.getValue(),
                        "Each topic.* setting must name a different topic.");
            }
        }
    }
}
