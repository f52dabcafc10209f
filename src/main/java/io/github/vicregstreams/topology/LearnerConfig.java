package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The learner's configuration: its own keys (topics, model, loss, training, pairing, checkpoints),
 * each with a default and a documentation string, plus any Kafka Streams or client setting, which
 * passes through to Kafka Streams unchanged, and to a plain client when that client knows it.
 *
 * <p>Load it with {@link #load(Path, Map)}: a properties file plus {@code key=value} overrides.
 * Unknown keys and bad values fail there, with one message naming the key, before anything starts.
 * The keys are defined, by group, in {@link EssentialKeys}, {@link TopicKeys}, {@link ModelKeys},
 * {@link TrainingKeys}, {@link TrainingSourceKeys}, {@link InferenceKeys} and {@link
 * OperationsKeys}; the Kafka side in {@link KafkaSettings}. The documented defaults are in {@code
 * topology/learner.properties}, which {@link LearnerPropertiesFile} writes.
 */
public final class LearnerConfig extends AbstractConfig {

    // The keys, named as in the properties file; each group's are documented in its *Settings
    // class: where the cluster is and the application's id (EssentialKeys).
    public static final String BOOTSTRAP_SERVERS_CONFIG = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;
    public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;

    // Topics (TopicKeys; views and embeddings in EssentialKeys).
    public static final String TOPIC_VIEWS_CONFIG = "topic.views";
    public static final String TOPIC_PAIR_EVENTS_CONFIG = "topic.pair-events";
    public static final String TOPIC_SAMPLES_CONFIG = "topic.samples";
    public static final String TOPIC_EMBEDDINGS_CONFIG = "topic.embeddings";
    public static final String TOPIC_METRICS_CONFIG = "topic.metrics";
    public static final String TOPIC_DEAD_LETTERS_CONFIG = "topic.dead-letters";
    public static final String TOPIC_MODEL_CONFIG = "topic.model";
    public static final String TOPIC_PAIRS_CONFIG = "topic.pairs";
    public static final String TOPIC_ITEMS_CONFIG = "topic.items";
    public static final String TOPIC_MODEL_VERSIONS_CONFIG = "topic.model-versions";
    public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "topic.replication.factor";

    // The model and its loss (ModelKeys; model.input.dim in EssentialKeys).
    public static final String MODEL_NAME_CONFIG = "model.name";
    public static final String MODEL_INPUT_DIM_CONFIG = "model.input.dim";
    public static final String MODEL_HIDDEN_SIZE_CONFIG = "model.hidden.size";
    public static final String MODEL_PROJECTION_DIM_CONFIG = "model.projection.dim";
    public static final String MODEL_ENCODER_CONFIG = "model.encoder";
    public static final String MODEL_SEED_CONFIG = "model.seed";
    public static final String LOSS_LAMBDA_INV_CONFIG = "loss.lambda.inv";
    public static final String LOSS_MU_VAR_CONFIG = "loss.mu.var";
    public static final String LOSS_NU_COV_CONFIG = "loss.nu.cov";
    public static final String LOSS_VARIANCE_TARGET_CONFIG = "loss.variance.target";
    public static final String LOSS_VARIANCE_ESTIMATOR_CONFIG = "loss.variance.estimator";

    // Model versions (VersionKeys).
    public static final String MODEL_VERSION_INTERVAL_STEPS_CONFIG = "model.version.interval.steps";
    public static final String MODEL_VERSION_INTERVAL_MS_CONFIG = "model.version.interval.ms";
    public static final String MODEL_VERSION_ALIGN_CONFIG = "model.version.align";
    public static final String MODEL_VERSION_ALIGN_REFERENCE_ITEMS_CONFIG =
            "model.version.align.reference.items";

    // Training, pairing, checkpoints and failover (TrainingKeys; train.batch.size and device
    // in EssentialKeys).
    public static final String TRAIN_OPTIMIZER_CONFIG = "train.optimizer";
    public static final String TRAIN_LEARNING_RATE_CONFIG = "train.learning.rate";
    public static final String TRAIN_WEIGHT_DECAY_CONFIG = "train.weight.decay";
    public static final String TRAIN_MOMENTUM_CONFIG = "train.momentum";
    public static final String TRAIN_BATCH_SIZE_CONFIG = "train.batch.size";
    public static final String TRAIN_BATCH_WINDOW_MS_CONFIG = "train.batch.window.ms";
    public static final String TRAIN_STEP_THREAD_CONFIG = "train.step.thread";
    public static final String PAIRING_WINDOW_MS_CONFIG = "pairing.window.ms";
    public static final String CHECKPOINT_INTERVAL_STEPS_CONFIG = "checkpoint.interval.steps";
    public static final String CHECKPOINT_IDLE_MS_CONFIG = "checkpoint.idle.ms";
    public static final String CHECKPOINT_SIGNING_KEY_CONFIG = "checkpoint.signing.key";
    public static final String FAILOVER_PROFILE_CONFIG = "failover.profile";
    public static final String DEVICE_CONFIG = "device";

    // What the trainer trains on (TrainingSourceKeys).
    public static final String TRAIN_SOURCE_CONFIG = "train.source";
    public static final String TRAIN_AUGMENTATION_CONFIG = "train.augmentation";
    public static final String TRAIN_AUGMENTATION_IMAGE_CONFIG = "train.augmentation.image";

    // The replay buffer (ReplayKeys).
    public static final String TRAIN_REPLAY_CAPACITY_CONFIG = "train.replay.capacity";
    public static final String TRAIN_REPLAY_UPDATES_CONFIG = "train.replay.updates";
    public static final String TRAIN_REPLAY_EVICTION_CONFIG = "train.replay.eviction";
    public static final String TRAIN_REPLAY_BATCH_SIZE_CONFIG = "train.replay.batch.size";

    // Inference and embeddings (InferenceKeys).
    public static final String EMBEDDING_SOURCE_CONFIG = "embedding.source";
    public static final String INFERENCE_BATCH_SIZE_CONFIG = "inference.batch.size";
    public static final String INFERENCE_BATCH_LINGER_MS_CONFIG = "inference.batch.linger.ms";
    public static final String EMBEDDING_FORMAT_CONFIG = "embedding.format";

    // Collapse warnings, the monitor and input limits (OperationsKeys).
    public static final String COLLAPSE_STD_THRESHOLD_CONFIG = "collapse.std.threshold";
    public static final String COLLAPSE_RANK_THRESHOLD_CONFIG = "collapse.rank.threshold";
    public static final String MONITOR_ENABLED_CONFIG = "monitor.enabled";
    public static final String MONITOR_ADDRESS_CONFIG = "monitor.address";
    public static final String MONITOR_PORT_CONFIG = "monitor.port";
    public static final String MONITOR_AUTH_TOKEN_CONFIG = "monitor.auth.token";
    public static final String EVENTS_MAX_RECORD_BYTES_CONFIG = "events.max.record.bytes";

    /**
     * The producer's {@code max.request.size}: room for the largest record the learner writes, a
     * dead letter ({@link io.github.vicregstreams.events.DeadLetter#MAX_RECORD_BYTES}) or a waiting
     * view in its changelog. Checkpoints of any size travel in chunks that fit Kafka's defaults.
     */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    /** In the order {@code topology/learner.properties} lists them: the essential ones first. */
    private static final ConfigDef CONFIG =
            OperationsKeys.define(
                    VersionKeys.define(
                            InferenceKeys.define(
                                    TrainingSourceKeys.define(
                                            ReplayKeys.define(
                                                    TrainingKeys.define(
                                                            ModelKeys.define(
                                                                    TopicKeys.define(
                                                                            EssentialKeys.define(
                                                                                    new ConfigDef())))))))));

    private final Map<String, Object> passThrough;

    private LearnerConfig(Map<String, ?> own, Map<String, Object> passThrough) {
        super(CONFIG, own, false);
        this.passThrough = passThrough;
        crossCheck();
    }

    /**
     * Builds a configuration from key/value pairs: the learner's keys and any Kafka setting.
     *
     * @param values the settings
     * @return the configuration
     * @throws ConfigException naming the first unknown key, missing required key or bad value
     */
    public static LearnerConfig of(Map<String, ?> values) {
        ConfigSources.Split split = ConfigSources.split(values, CONFIG.names());
        return new LearnerConfig(split.own(), split.passThrough());
    }

    /**
     * Loads a properties file, then applies {@code key=value} overrides on top of it.
     *
     * @param file the properties file, or null for none
     * @param overrides settings that win over the file's
     * @return the configuration
     * @throws ConfigException if the file cannot be read, or for the first bad key or value
     */
    public static LearnerConfig load(Path file, Map<String, String> overrides) {
        return load(file, Map.of(), overrides);
    }

    /**
     * Loads a configuration from defaults, a properties file and overrides, each winning over the
     * one before: a command's own defaults that the user's file may change.
     *
     * @param file a properties file, or null for none
     * @param defaults settings the file and the overrides may change
     * @param overrides settings that win over the file's
     * @return the configuration
     * @throws ConfigException if the file cannot be read or a setting is invalid
     */
    public static LearnerConfig load(
            Path file, Map<String, String> defaults, Map<String, String> overrides) {
        return of(ConfigSources.read(file, defaults, overrides));
    }

    /** Parses {@code key=value} arguments, in order; refuses an argument without {@code =}. */
    public static Map<String, String> parseOverrides(List<String> arguments) {
        return ConfigSources.parseOverrides(arguments);
    }

    /** The definition of the learner's own keys. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /**
     * The Kafka Streams properties: the application's defaults (exactly-once v2, sized time-outs,
     * large records for checkpoints), overridden by any pass-through setting, plus bootstrap
     * servers and application id.
     *
     * @param bootstrapServers the brokers to use (the configured ones, or an embedded broker's)
     * @return the properties for {@code KafkaStreams}
     */
    public Properties streamsProperties(String bootstrapServers) {
        return KafkaSettings.streams(
                passThrough,
                getString(FAILOVER_PROFILE_CONFIG).equals("fast"),
                replicationFactor(),
                bootstrapServers,
                applicationId());
    }

    /**
     * Settings for a plain producer beside the learner (the command line's, a benchmark's): the
     * pass-through settings a producer knows (security and the like), and one request in flight
     * unless set, because such a producer may write to a topic just created (KAFKA-15591, see
     * {@link io.github.vicregstreams.kafka.TopicCreator#NEW_TOPIC_PRODUCER_SETTINGS}). The caller
     * adds {@code bootstrap.servers}: the configured ones or an embedded broker's.
     *
     * @return a new, modifiable map
     */
    public Map<String, Object> producerConfigs() {
        return KafkaSettings.producer(passThrough);
    }

    /** Settings for a plain consumer (a new map); the caller adds {@code bootstrap.servers}. */
    public Map<String, Object> consumerConfigs() {
        return KafkaSettings.consumer(passThrough);
    }

    /**
     * Settings for an admin client: the pass-through settings an admin client knows, none of Kafka
     * Streams' own. The caller adds {@code bootstrap.servers}.
     *
     * @return a new, modifiable map
     */
    public Map<String, Object> adminConfigs() {
        return KafkaSettings.admin(passThrough);
    }

    /** Kafka settings given by the user that are not the learner's own (unmodifiable). */
    public Map<String, Object> passThrough() {
        return Collections.unmodifiableMap(passThrough);
    }

    /** The configured bootstrap servers, empty when none. */
    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    /** The application id. */
    public String applicationId() {
        return getString(APPLICATION_ID_CONFIG);
    }

    /** The topic names. */
    public Topics topics() {
        return TopicKeys.topics(this);
    }

    /** Partitions for created input and output topics. */
    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    /** The replication factor for created topics, -1 for the broker default. */
    public short replicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
    }

    /** The model's name, the key of its checkpoints. */
    public String modelName() {
        return getString(MODEL_NAME_CONFIG);
    }

    /** The model's dimensions. */
    public ModelSpec modelSpec() {
        return ModelKeys.modelSpec(this);
    }

    /** What the trainer computes: spec, loss weights, optimizer and seed. */
    public TrainerConfig trainerConfig() {
        return new TrainerConfig(
                modelSpec(),
                ModelKeys.lossWeights(this),
                TrainingKeys.optimizer(this),
                getLong(MODEL_SEED_CONFIG));
    }

    /** Where to train. */
    public DeviceChoice device() {
        return DeviceChoice.parse(getString(DEVICE_CONFIG));
    }

    /** Pairs per training step. */
    public int batchSize() {
        return getInt(TRAIN_BATCH_SIZE_CONFIG);
    }

    /** How long a partial batch waits. */
    public long batchWindowMs() {
        return getLong(TRAIN_BATCH_WINDOW_MS_CONFIG);
    }

    /** The most time between the two views of a sample. */
    public long pairingWindowMs() {
        return getLong(PAIRING_WINDOW_MS_CONFIG);
    }

    /** Steps between checkpoints. */
    public int checkpointIntervalSteps() {
        return getInt(CHECKPOINT_INTERVAL_STEPS_CONFIG);
    }

    /** How long the trainer waits without pairs before checkpointing unsaved steps. */
    public long checkpointIdleMs() {
        return getLong(CHECKPOINT_IDLE_MS_CONFIG);
    }

    /** How model-topic records are signed and checked ({@code checkpoint.signing.key}). */
    public CheckpointSignature checkpointSignature() {
        return CheckpointSignature.withKey(getPassword(CHECKPOINT_SIGNING_KEY_CONFIG).value());
    }

    /** Whether the trainer trains on the samples topic too ({@code train.source=samples}). */
    public boolean trainsOnSamples() {
        return getString(TRAIN_SOURCE_CONFIG).equals("samples");
    }

    /** Whether {@code train.source=pair-events}: the trainer reads that topic itself. */
    public boolean trainsOnPairEventsOnly() {
        return getString(TRAIN_SOURCE_CONFIG).equals("pair-events");
    }

    /** When checkpoints become model versions, and how versions are aligned. */
    public VersionSettings versions() {
        return VersionKeys.settings(this);
    }

    /** Which representation is published for a trained pair. */
    public EmbeddingSource embeddingSource() {
        return EmbeddingSource.parse(getString(EMBEDDING_SOURCE_CONFIG));
    }

    /** The most samples per inference forward pass. */
    public int inferenceBatchSize() {
        return getInt(INFERENCE_BATCH_SIZE_CONFIG);
    }

    /** How often waiting samples are embedded anyway. */
    public long inferenceBatchLingerMs() {
        return getLong(INFERENCE_BATCH_LINGER_MS_CONFIG);
    }

    /** How embeddings carry their vector. */
    public FeatureEncoding embeddingFormat() {
        return getString(EMBEDDING_FORMAT_CONFIG).equals("f32")
                ? FeatureEncoding.FLOAT32_BASE64
                : FeatureEncoding.JSON_ARRAY;
    }

    /** The thresholds below which the log warns of collapse. */
    public CollapseDetector.Thresholds collapseThresholds() {
        return new CollapseDetector.Thresholds(
                getDouble(COLLAPSE_STD_THRESHOLD_CONFIG),
                getDouble(COLLAPSE_RANK_THRESHOLD_CONFIG));
    }

    /** Whether the command line starts the HTTP monitor. */
    public boolean monitorEnabled() {
        return getBoolean(MONITOR_ENABLED_CONFIG);
    }

    /** The address the monitor binds to. */
    public String monitorAddress() {
        return getString(MONITOR_ADDRESS_CONFIG);
    }

    /** The monitor's port, 0 for any free one. */
    public int monitorPort() {
        return getInt(MONITOR_PORT_CONFIG);
    }

    /** The bearer token the monitor requires, empty for none. */
    public String monitorAuthToken() {
        return getPassword(MONITOR_AUTH_TOKEN_CONFIG).value();
    }

    /** The largest accepted input record value. */
    public int maxRecordBytes() {
        return getInt(EVENTS_MAX_RECORD_BYTES_CONFIG);
    }

    private void crossCheck() {
        try {
            trainerConfig();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "Invalid model, loss or optimizer settings: " + e.getMessage());
        }
        TopicKeys.requireDistinct(topics());
        TrainingSourceKeys.settings(this); // an augmentation that does not fit the input fails here
        ReplayKeys.settings(this);
    }
}
