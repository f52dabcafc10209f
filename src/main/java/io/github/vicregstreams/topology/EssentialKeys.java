package io.github.vicregstreams.topology;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings most deployments set, first in {@code topology/learner.properties}: where the
 * cluster is, the application's id, the size of the input, the two main topics, the batch size and
 * the device.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them.
 */
final class EssentialKeys {

    private static final String BOOTSTRAP_SERVERS_DOC =
            "Kafka brokers to connect to, host:port,… Empty: the command line starts an embedded"
                    + " single-node broker.";
    private static final String APPLICATION_ID_DOC =
            "Kafka Streams application id: consumer group, prefix of internal topics and state"
                    + " directory. Instances with the same id share the work.";
    private static final String MODEL_INPUT_DIM_DOC =
            "Number of features per view and sample (784 for 28×28 images). Required.";
    private static final String TOPIC_VIEWS_DOC =
            "Input: augmented views (ViewEvent JSON, key = sample id), two per sample.";
    private static final String TOPIC_EMBEDDINGS_DOC =
            "Output: one EmbeddingEvent per trained pair (and per embedded sample), key = sample id.";
    private static final String TRAIN_BATCH_SIZE_DOC =
            "Pairs per training step. A batch is released when this many pairs are buffered.";
    private static final String DEVICE_DOC =
            "Where the trainer and the inference models run: auto (GPU when there is one), cpu or gpu.";

    private EssentialKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        Type.STRING,
                        "",
                        Importance.HIGH,
                        BOOTSTRAP_SERVERS_DOC)
                .define(
                        LearnerConfig.APPLICATION_ID_CONFIG,
                        Type.STRING,
                        "vicreg-learner",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        APPLICATION_ID_DOC)
                .define(
                        LearnerConfig.MODEL_INPUT_DIM_CONFIG,
                        Type.INT,
                        ConfigDef.NO_DEFAULT_VALUE,
                        ConfigDef.Range.atLeast(1),
                        Importance.HIGH,
                        MODEL_INPUT_DIM_DOC)
                .define(
                        LearnerConfig.TOPIC_VIEWS_CONFIG,
                        Type.STRING,
                        "vicreg.views",
                        TopicNameValidator.INSTANCE,
                        Importance.HIGH,
                        TOPIC_VIEWS_DOC)
                .define(
                        LearnerConfig.TOPIC_EMBEDDINGS_CONFIG,
                        Type.STRING,
                        "vicreg.embeddings",
                        TopicNameValidator.INSTANCE,
                        Importance.HIGH,
                        TOPIC_EMBEDDINGS_DOC)
                .define(
                        LearnerConfig.TRAIN_BATCH_SIZE_CONFIG,
                        Type.INT,
                        256,
                        ConfigDef.Range.atLeast(2),
                        Importance.HIGH,
                        TRAIN_BATCH_SIZE_DOC)
                .define(
                        LearnerConfig.DEVICE_CONFIG,
                        Type.STRING,
                        "auto",
                        ConfigDef.ValidString.in("auto", "cpu", "gpu"),
                        Importance.HIGH,
                        DEVICE_DOC);
    }
}
