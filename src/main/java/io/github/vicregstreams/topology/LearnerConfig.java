package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.events.EventLimits;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.monitor.MonitorConfig;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.EncoderKind;
import io.github.vicregstreams.vicreg.LossWeights;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.OptimizerConfig;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VarianceEstimator;
import io.github.vicregstreams.vicreg.Vicreg;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * The learner's configuration: its own keys (topics, model, loss, training, pairing, checkpoints),
 * each with a default and a documentation string, plus any Kafka Streams or client setting, which
 * passes through to Kafka Streams unchanged.
 *
 * <p>Load it with {@link #load(Path, Map)}: a properties file plus {@code key=value} overrides.
 * Unknown keys and bad values fail there, with one message naming the key, before anything starts.
 * The documented defaults are in {@code topology/learner.properties}; {@link #main} prints the
 * reference.
 */
public final class LearnerConfig extends AbstractConfig {

    /** {@code bootstrap.servers} */
    public static final String BOOTSTRAP_SERVERS_CONFIG = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;

    private static final String BOOTSTRAP_SERVERS_DOC =
            "Kafka brokers to connect to, host:port,… Empty: the command line starts an embedded"
                    + " single-node broker.";

    /** {@code application.id} */
    public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;

    private static final String APPLICATION_ID_DOC =
            "Kafka Streams application id: consumer group, prefix of internal topics and state"
                    + " directory. Instances with the same id share the work.";

    /** {@code topic.views} */
    public static final String TOPIC_VIEWS_CONFIG = "topic.views";

    private static final String TOPIC_VIEWS_DOC =
            "Input: augmented views (ViewEvent JSON, key = sample id), two per sample.";

    /** {@code topic.pair-events} */
    public static final String TOPIC_PAIR_EVENTS_CONFIG = "topic.pair-events";

    private static final String TOPIC_PAIR_EVENTS_DOC =
            "Input: both views of a sample in one record (PairEvent JSON, key = sample id), for"
                    + " producers that make the two views together: they skip pairing. Either input or"
                    + " both may be used.";

    /** {@code topic.samples} */
    public static final String TOPIC_SAMPLES_CONFIG = "topic.samples";

    private static final String TOPIC_SAMPLES_DOC =
            "Input: un-augmented samples to embed with the latest model (SampleEvent JSON).";

    /** {@code topic.embeddings} */
    public static final String TOPIC_EMBEDDINGS_CONFIG = "topic.embeddings";

    private static final String TOPIC_EMBEDDINGS_DOC =
            "Output: one EmbeddingEvent per trained pair (and per embedded sample), key = sample id.";

    /** {@code topic.metrics} */
    public static final String TOPIC_METRICS_CONFIG = "topic.metrics";

    private static final String TOPIC_METRICS_DOC = "Output: one MetricsEvent per training step.";

    /** {@code topic.dead-letters} */
    public static final String TOPIC_DEAD_LETTERS_CONFIG = "topic.dead-letters";

    private static final String TOPIC_DEAD_LETTERS_DOC =
            "Output: every rejected record, with its reason and original bytes (DeadLetter JSON).";

    /** {@code topic.model} */
    public static final String TOPIC_MODEL_CONFIG = "topic.model";

    private static final String TOPIC_MODEL_DOC =
            "Output: checkpoints (binary), key = model.name; compacted, so it keeps the latest.";

    /** {@code topic.pairs} */
    public static final String TOPIC_PAIRS_CONFIG = "topic.pairs";

    private static final String TOPIC_PAIRS_DOC =
            "Internal: paired views on their way to the single trainer partition. The application"
                    + " creates it with one partition.";

    /** {@code topic.partitions} */
    public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";

    private static final String TOPIC_PARTITIONS_DOC =
            "Partitions of the views, samples, embeddings and dead-letter topics when the application"
                    + " creates them (existing topics keep theirs).";

    /** {@code topic.replication.factor} */
    public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "topic.replication.factor";

    private static final String TOPIC_REPLICATION_FACTOR_DOC =
            "Replication factor of the topics the application creates; -1 takes the broker's default.";

    /** {@code model.name} */
    public static final String MODEL_NAME_CONFIG = "model.name";

    private static final String MODEL_NAME_DOC = "Key of the checkpoints on the model topic.";

    /** {@code model.input.dim} */
    public static final String MODEL_INPUT_DIM_CONFIG = "model.input.dim";

    private static final String MODEL_INPUT_DIM_DOC =
            "Number of features per view and sample (784 for 28×28 images). Required.";

    /** {@code model.hidden.size} */
    public static final String MODEL_HIDDEN_SIZE_CONFIG = "model.hidden.size";

    private static final String MODEL_HIDDEN_SIZE_DOC =
            "Width of the encoder and projector layers, and of the published embeddings.";

    /** {@code model.projection.dim} */
    public static final String MODEL_PROJECTION_DIM_CONFIG = "model.projection.dim";

    private static final String MODEL_PROJECTION_DIM_DOC =
            "Width of the projector output, where the VICReg loss is computed.";

    /** {@code model.encoder} */
    public static final String MODEL_ENCODER_CONFIG = "model.encoder";

    private static final String MODEL_ENCODER_DOC =
            "The encoder: mlp (two fully connected layers, any features) or conv (three 3x3"
                    + " convolutions and a fully connected layer, for square single-channel images whose"
                    + " pixels are the features row by row: model.input.dim must be a square, 784 for"
                    + " 28x28). The projector is the same MLP for both.";

    /** {@code model.seed} */
    public static final String MODEL_SEED_CONFIG = "model.seed";

    private static final String MODEL_SEED_DOC =
            "Seed of the initial weights when no checkpoint exists yet.";

    /** {@code loss.lambda.inv} */
    public static final String LOSS_LAMBDA_INV_CONFIG = "loss.lambda.inv";

    private static final String LOSS_LAMBDA_INV_DOC = "Weight λ of the invariance term.";

    /** {@code loss.mu.var} */
    public static final String LOSS_MU_VAR_CONFIG = "loss.mu.var";

    private static final String LOSS_MU_VAR_DOC = "Weight μ of the variance terms.";

    /** {@code loss.nu.cov} */
    public static final String LOSS_NU_COV_CONFIG = "loss.nu.cov";

    private static final String LOSS_NU_COV_DOC = "Weight ν of the covariance terms.";

    /** {@code loss.variance.target} */
    public static final String LOSS_VARIANCE_TARGET_CONFIG = "loss.variance.target";

    private static final String LOSS_VARIANCE_TARGET_DOC =
            "Target standard deviation γ of each projection dimension.";

    /** {@code loss.variance.estimator} */
    public static final String LOSS_VARIANCE_ESTIMATOR_CONFIG = "loss.variance.estimator";

    private static final String LOSS_VARIANCE_ESTIMATOR_DOC =
            "unbiased (divide by n − 1, as the official code) or population (divide by n).";

    /** {@code train.optimizer} */
    public static final String TRAIN_OPTIMIZER_CONFIG = "train.optimizer";

    private static final String TRAIN_OPTIMIZER_DOC = "adam, sgd (with momentum) or lars.";

    /** {@code train.learning.rate} */
    public static final String TRAIN_LEARNING_RATE_CONFIG = "train.learning.rate";

    private static final String TRAIN_LEARNING_RATE_DOC = "The optimizer's step size.";

    /** {@code train.weight.decay} */
    public static final String TRAIN_WEIGHT_DECAY_CONFIG = "train.weight.decay";

    private static final String TRAIN_WEIGHT_DECAY_DOC =
            "Weight decay (decoupled for adam; weight matrices only for sgd and lars).";

    /** {@code train.momentum} */
    public static final String TRAIN_MOMENTUM_CONFIG = "train.momentum";

    private static final String TRAIN_MOMENTUM_DOC = "Momentum of sgd and lars.";

    /** {@code train.batch.size} */
    public static final String TRAIN_BATCH_SIZE_CONFIG = "train.batch.size";

    private static final String TRAIN_BATCH_SIZE_DOC =
            "Pairs per training step. A batch is released when this many pairs are buffered.";

    /** {@code train.batch.window.ms} */
    public static final String TRAIN_BATCH_WINDOW_MS_CONFIG = "train.batch.window.ms";

    private static final String TRAIN_BATCH_WINDOW_MS_DOC =
            "A smaller batch (at least 2 pairs) is released once its first pair has waited this long"
                    + " in stream time, or once no pair has arrived for this long in wall-clock time (an"
                    + " idle stream; while pairs keep arriving, as from a backlog, batches fill up).";

    /** {@code pairing.window.ms} */
    public static final String PAIRING_WINDOW_MS_CONFIG = "pairing.window.ms";

    private static final String PAIRING_WINDOW_MS_DOC =
            "Most time between the two views of a sample; a view whose partner has not come within it"
                    + " is dead-lettered as an orphan.";

    /** {@code checkpoint.interval.steps} */
    public static final String CHECKPOINT_INTERVAL_STEPS_CONFIG = "checkpoint.interval.steps";

    private static final String CHECKPOINT_INTERVAL_STEPS_DOC =
            "Steps between checkpoints to the state store and the model topic (and one at shutdown)."
                    + " Steps since the last checkpoint are replayed from the pairs topic after a crash, so"
                    + " none is lost or repeated; the pairs topic must keep its records that long"
                    + " (it is created with one day of retention).";

    /** {@code checkpoint.idle.ms} */
    public static final String CHECKPOINT_IDLE_MS_CONFIG = "checkpoint.idle.ms";

    private static final String CHECKPOINT_IDLE_MS_DOC =
            "When steps were trained since the last checkpoint and no pair has arrived for this long"
                    + " (wall-clock), checkpoint them to the store and the model topic, so that a stream"
                    + " that stops does not leave its last steps out of the model topic.";

    /** {@code checkpoint.signing.key} */
    public static final String CHECKPOINT_SIGNING_KEY_CONFIG = "checkpoint.signing.key";

    private static final String CHECKPOINT_SIGNING_KEY_DOC =
            "Shared secret for HMAC-SHA256 signatures of model-topic records (header"
                    + " vicreg.signature). When set, the trainer signs what it publishes, and inference,"
                    + " the trainer's resume, evaluate and the monitor refuse unsigned or badly signed"
                    + " records: anyone who can write the topic can otherwise publish a model. Empty for"
                    + " none.";

    /** {@code failover.profile} */
    public static final String FAILOVER_PROFILE_CONFIG = "failover.profile";

    private static final String FAILOVER_PROFILE_DOC =
            "'fast' moves the trainer to another instance within seconds of a crash: a standby replica"
                    + " of every store (num.standby.replicas=1), a 6 s session time-out with 1.5 s"
                    + " heartbeats, and a 10 s transaction time-out (a dead instance's open transaction"
                    + " holds back read_committed readers until it is aborted). 'default' keeps Kafka"
                    + " Streams' own (45 s session time-out) and a 120 s transaction time-out. Settings given"
                    + " explicitly win. See docs/failover.md.";

    /** The settings of {@code failover.profile=fast}. */
    static final Map<String, Object> FAST_FAILOVER =
            Map.of(
                    StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                    1,
                    StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                    6_000,
                    StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                    1_500,
                    StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                    10_000);

    /** {@code device} */
    public static final String DEVICE_CONFIG = "device";

    private static final String DEVICE_DOC =
            "Where the trainer and the inference models run: auto (GPU when there is one), cpu or gpu.";

    /** {@code embedding.source} */
    public static final String EMBEDDING_SOURCE_CONFIG = "embedding.source";

    private static final String EMBEDDING_SOURCE_DOC =
            "Embedding published for a trained pair: mean (of the two views' encoder outputs) or view0.";

    /** {@code inference.batch.size} */
    public static final String INFERENCE_BATCH_SIZE_CONFIG = "inference.batch.size";

    private static final String INFERENCE_BATCH_SIZE_DOC =
            "Most samples embedded in one forward pass. Above 1, samples wait in a changelogged buffer"
                    + " (safe under exactly-once) until this many are there or inference.batch.linger.ms"
                    + " passes; 1 embeds each sample as it arrives, with no buffer.";

    /** {@code inference.batch.linger.ms} */
    public static final String INFERENCE_BATCH_LINGER_MS_CONFIG = "inference.batch.linger.ms";

    private static final String INFERENCE_BATCH_LINGER_MS_DOC =
            "Wall-clock interval at which samples waiting for a full inference batch are embedded"
                    + " anyway: about the most a sample waits when its partition is quiet.";

    /** {@code embedding.format} */
    public static final String EMBEDDING_FORMAT_CONFIG = "embedding.format";

    private static final String EMBEDDING_FORMAT_DOC =
            "How embeddings carry their vector: json (an \"embedding\" array of numbers) or f32"
                    + " (\"embeddingF32\", base64 of little-endian float32: exact, a third the size, and"
                    + " several times cheaper to write; recommended for throughput).";

    /** {@code collapse.std.threshold} */
    public static final String COLLAPSE_STD_THRESHOLD_CONFIG = "collapse.std.threshold";

    private static final String COLLAPSE_STD_THRESHOLD_DOC =
            "The log warns of representation collapse when the mean per-dimension std of the"
                    + " projections falls below this (the variance term aims at loss.variance.target; a"
                    + " collapsed dimension has std near sqrt(1e-4) = 0.01).";

    /** {@code collapse.rank.threshold} */
    public static final String COLLAPSE_RANK_THRESHOLD_CONFIG = "collapse.rank.threshold";

    private static final String COLLAPSE_RANK_THRESHOLD_DOC =
            "The log warns of collapse when the effective rank of a training batch's embeddings"
                    + " (exp of the entropy of its normalised singular values; checked every few steps)"
                    + " falls below this.";

    /** {@code monitor.enabled} */
    public static final String MONITOR_ENABLED_CONFIG = "monitor.enabled";

    private static final String MONITOR_ENABLED_DOC =
            "Whether the command line starts the HTTP monitor: /health, /metrics (Prometheus), /model"
                    + " and the dashboard at /.";

    /** {@code monitor.address} */
    public static final String MONITOR_ADDRESS_CONFIG = "monitor.address";

    private static final String MONITOR_ADDRESS_DOC =
            "Address the monitor binds to; the default keeps it on this machine.";

    /** {@code monitor.port} */
    public static final String MONITOR_PORT_CONFIG = "monitor.port";

    private static final String MONITOR_PORT_DOC = "Port of the monitor; 0 takes any free port.";

    /** {@code monitor.auth.token} */
    public static final String MONITOR_AUTH_TOKEN_CONFIG = "monitor.auth.token";

    private static final String MONITOR_AUTH_TOKEN_DOC =
            "Bearer token that /model, /metrics and /api/... require (header Authorization: Bearer"
                    + " TOKEN), compared in constant time; empty for none. Set it whenever monitor.address"
                    + " is not a loopback address: the monitor serves the model's weights.";

    /** {@code events.max.record.bytes} */
    public static final String EVENTS_MAX_RECORD_BYTES_CONFIG = "events.max.record.bytes";

    private static final String EVENTS_MAX_RECORD_BYTES_DOC =
            "Largest accepted input record (key and value); larger ones are dead-lettered"
                    + " (record_too_large). At most what the learner's changelogged stores hold beside"
                    + " a waiting record's coordinates.";

    /**
     * The producer's {@code max.request.size}: room for the largest record the learner writes, a
     * dead letter ({@link io.github.vicregstreams.events.DeadLetter#MAX_RECORD_BYTES}) or a waiting
     * view in its changelog. Checkpoints of any size travel in chunks that fit Kafka's defaults.
     */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private static final ConfigDef CONFIG;

    static {
        CONFIG =
                new ConfigDef()
                        .define(
                                BOOTSTRAP_SERVERS_CONFIG,
                                Type.STRING,
                                "",
                                Importance.HIGH,
                                BOOTSTRAP_SERVERS_DOC)
                        .define(
                                APPLICATION_ID_CONFIG,
                                Type.STRING,
                                "vicreg-learner",
                                new ConfigDef.NonEmptyString(),
                                Importance.HIGH,
                                APPLICATION_ID_DOC)
                        .define(
                                MODEL_INPUT_DIM_CONFIG,
                                Type.INT,
                                ConfigDef.NO_DEFAULT_VALUE,
                                ConfigDef.Range.atLeast(1),
                                Importance.HIGH,
                                MODEL_INPUT_DIM_DOC)
                        .define(
                                TOPIC_VIEWS_CONFIG,
                                Type.STRING,
                                "vicreg.views",
                                topicName(),
                                Importance.HIGH,
                                TOPIC_VIEWS_DOC)
                        .define(
                                TOPIC_EMBEDDINGS_CONFIG,
                                Type.STRING,
                                "vicreg.embeddings",
                                topicName(),
                                Importance.HIGH,
                                TOPIC_EMBEDDINGS_DOC)
                        .define(
                                TRAIN_BATCH_SIZE_CONFIG,
                                Type.INT,
                                256,
                                ConfigDef.Range.atLeast(2),
                                Importance.HIGH,
                                TRAIN_BATCH_SIZE_DOC)
                        .define(
                                DEVICE_CONFIG,
                                Type.STRING,
                                "auto",
                                ConfigDef.ValidString.in("auto", "cpu", "gpu"),
                                Importance.HIGH,
                                DEVICE_DOC)
                        .define(
                                TOPIC_SAMPLES_CONFIG,
                                Type.STRING,
                                "vicreg.samples",
                                topicName(),
                                Importance.MEDIUM,
                                TOPIC_SAMPLES_DOC)
                        .define(
                                TOPIC_METRICS_CONFIG,
                                Type.STRING,
                                "vicreg.metrics",
                                topicName(),
                                Importance.MEDIUM,
                                TOPIC_METRICS_DOC)
                        .define(
                                TOPIC_DEAD_LETTERS_CONFIG,
                                Type.STRING,
                                "vicreg.dead-letters",
                                topicName(),
                                Importance.MEDIUM,
                                TOPIC_DEAD_LETTERS_DOC)
                        .define(
                                TOPIC_MODEL_CONFIG,
                                Type.STRING,
                                "vicreg.model",
                                topicName(),
                                Importance.MEDIUM,
                                TOPIC_MODEL_DOC)
                        .define(
                                TOPIC_PAIRS_CONFIG,
                                Type.STRING,
                                "vicreg.pairs",
                                topicName(),
                                Importance.LOW,
                                TOPIC_PAIRS_DOC)
                        .define(
                                TOPIC_PAIR_EVENTS_CONFIG,
                                Type.STRING,
                                "vicreg.pair-events",
                                topicName(),
                                Importance.MEDIUM,
                                TOPIC_PAIR_EVENTS_DOC)
                        .define(
                                TOPIC_PARTITIONS_CONFIG,
                                Type.INT,
                                1,
                                ConfigDef.Range.atLeast(1),
                                Importance.MEDIUM,
                                TOPIC_PARTITIONS_DOC)
                        .define(
                                TOPIC_REPLICATION_FACTOR_CONFIG,
                                Type.SHORT,
                                (short) -1,
                                Importance.LOW,
                                TOPIC_REPLICATION_FACTOR_DOC)
                        .define(
                                MODEL_NAME_CONFIG,
                                Type.STRING,
                                "vicreg",
                                new ConfigDef.NonEmptyString(),
                                Importance.MEDIUM,
                                MODEL_NAME_DOC)
                        .define(
                                MODEL_HIDDEN_SIZE_CONFIG,
                                Type.INT,
                                Vicreg.DEFAULT_HIDDEN_SIZE,
                                ConfigDef.Range.atLeast(1),
                                Importance.MEDIUM,
                                MODEL_HIDDEN_SIZE_DOC)
                        .define(
                                MODEL_PROJECTION_DIM_CONFIG,
                                Type.INT,
                                Vicreg.DEFAULT_PROJECTION_DIM,
                                ConfigDef.Range.atLeast(1),
                                Importance.MEDIUM,
                                MODEL_PROJECTION_DIM_DOC)
                        .define(
                                MODEL_ENCODER_CONFIG,
                                Type.STRING,
                                EncoderKind.MLP.configName(),
                                ConfigDef.CaseInsensitiveValidString.in(
                                        EncoderKind.MLP.configName(),
                                        EncoderKind.CONV.configName()),
                                Importance.MEDIUM,
                                MODEL_ENCODER_DOC)
                        .define(
                                MODEL_SEED_CONFIG,
                                Type.LONG,
                                TrainerConfig.DEFAULT_SEED,
                                Importance.LOW,
                                MODEL_SEED_DOC)
                        .define(
                                LOSS_LAMBDA_INV_CONFIG,
                                Type.DOUBLE,
                                (double) Vicreg.DEFAULT_LAMBDA_INV,
                                ConfigDef.Range.atLeast(0),
                                Importance.MEDIUM,
                                LOSS_LAMBDA_INV_DOC)
                        .define(
                                LOSS_MU_VAR_CONFIG,
                                Type.DOUBLE,
                                (double) Vicreg.DEFAULT_MU_VAR,
                                ConfigDef.Range.atLeast(0),
                                Importance.MEDIUM,
                                LOSS_MU_VAR_DOC)
                        .define(
                                LOSS_NU_COV_CONFIG,
                                Type.DOUBLE,
                                (double) Vicreg.DEFAULT_NU_COV,
                                ConfigDef.Range.atLeast(0),
                                Importance.MEDIUM,
                                LOSS_NU_COV_DOC)
                        .define(
                                LOSS_VARIANCE_TARGET_CONFIG,
                                Type.DOUBLE,
                                (double) Vicreg.DEFAULT_VARIANCE_TARGET,
                                ConfigDef.Range.atLeast(0),
                                Importance.LOW,
                                LOSS_VARIANCE_TARGET_DOC)
                        .define(
                                LOSS_VARIANCE_ESTIMATOR_CONFIG,
                                Type.STRING,
                                "unbiased",
                                ConfigDef.ValidString.in("unbiased", "population"),
                                Importance.LOW,
                                LOSS_VARIANCE_ESTIMATOR_DOC)
                        .define(
                                TRAIN_OPTIMIZER_CONFIG,
                                Type.STRING,
                                "adam",
                                ConfigDef.ValidString.in("adam", "sgd", "lars"),
                                Importance.MEDIUM,
                                TRAIN_OPTIMIZER_DOC)
                        .define(
                                TRAIN_LEARNING_RATE_CONFIG,
                                Type.DOUBLE,
                                (double) OptimizerConfig.DEFAULT_ADAM_LEARNING_RATE,
                                ConfigDef.Range.between(Double.MIN_VALUE, 10),
                                Importance.MEDIUM,
                                TRAIN_LEARNING_RATE_DOC)
                        .define(
                                TRAIN_WEIGHT_DECAY_CONFIG,
                                Type.DOUBLE,
                                0.0,
                                ConfigDef.Range.atLeast(0),
                                Importance.LOW,
                                TRAIN_WEIGHT_DECAY_DOC)
                        .define(
                                TRAIN_MOMENTUM_CONFIG,
                                Type.DOUBLE,
                                0.9,
                                ConfigDef.Range.between(0, 0.999999),
                                Importance.LOW,
                                TRAIN_MOMENTUM_DOC)
                        .define(
                                TRAIN_BATCH_WINDOW_MS_CONFIG,
                                Type.LONG,
                                5_000L,
                                ConfigDef.Range.atLeast(1),
                                Importance.MEDIUM,
                                TRAIN_BATCH_WINDOW_MS_DOC)
                        .define(
                                PAIRING_WINDOW_MS_CONFIG,
                                Type.LONG,
                                60_000L,
                                ConfigDef.Range.atLeast(1),
                                Importance.MEDIUM,
                                PAIRING_WINDOW_MS_DOC)
                        .define(
                                CHECKPOINT_INTERVAL_STEPS_CONFIG,
                                Type.INT,
                                100,
                                ConfigDef.Range.atLeast(1),
                                Importance.MEDIUM,
                                CHECKPOINT_INTERVAL_STEPS_DOC)
                        .define(
                                CHECKPOINT_IDLE_MS_CONFIG,
                                Type.LONG,
                                10_000L,
                                ConfigDef.Range.atLeast(1),
                                Importance.LOW,
                                CHECKPOINT_IDLE_MS_DOC)
                        .define(
                                FAILOVER_PROFILE_CONFIG,
                                Type.STRING,
                                "default",
                                ConfigDef.ValidString.in("default", "fast"),
                                Importance.MEDIUM,
                                FAILOVER_PROFILE_DOC)
                        .define(
                                CHECKPOINT_SIGNING_KEY_CONFIG,
                                Type.PASSWORD,
                                "",
                                Importance.MEDIUM,
                                CHECKPOINT_SIGNING_KEY_DOC)
                        .define(
                                EMBEDDING_SOURCE_CONFIG,
                                Type.STRING,
                                "mean",
                                ConfigDef.ValidString.in("mean", "view0"),
                                Importance.LOW,
                                EMBEDDING_SOURCE_DOC)
                        .define(
                                INFERENCE_BATCH_SIZE_CONFIG,
                                Type.INT,
                                32,
                                ConfigDef.Range.atLeast(1),
                                Importance.MEDIUM,
                                INFERENCE_BATCH_SIZE_DOC)
                        .define(
                                INFERENCE_BATCH_LINGER_MS_CONFIG,
                                Type.LONG,
                                20L,
                                ConfigDef.Range.atLeast(1),
                                Importance.LOW,
                                INFERENCE_BATCH_LINGER_MS_DOC)
                        .define(
                                EMBEDDING_FORMAT_CONFIG,
                                Type.STRING,
                                "json",
                                ConfigDef.ValidString.in("json", "f32"),
                                Importance.LOW,
                                EMBEDDING_FORMAT_DOC)
                        .define(
                                COLLAPSE_STD_THRESHOLD_CONFIG,
                                Type.DOUBLE,
                                0.1,
                                ConfigDef.Range.atLeast(0),
                                Importance.LOW,
                                COLLAPSE_STD_THRESHOLD_DOC)
                        .define(
                                COLLAPSE_RANK_THRESHOLD_CONFIG,
                                Type.DOUBLE,
                                CollapseDetector.Thresholds.DEFAULTS.minEffectiveRank(),
                                ConfigDef.Range.atLeast(0),
                                Importance.LOW,
                                COLLAPSE_RANK_THRESHOLD_DOC)
                        .define(
                                MONITOR_ENABLED_CONFIG,
                                Type.BOOLEAN,
                                true,
                                Importance.MEDIUM,
                                MONITOR_ENABLED_DOC)
                        .define(
                                MONITOR_ADDRESS_CONFIG,
                                Type.STRING,
                                MonitorConfig.DEFAULT_ADDRESS,
                                new ConfigDef.NonEmptyString(),
                                Importance.LOW,
                                MONITOR_ADDRESS_DOC)
                        .define(
                                MONITOR_PORT_CONFIG,
                                Type.INT,
                                MonitorConfig.DEFAULT_PORT,
                                ConfigDef.Range.between(0, 65535),
                                Importance.MEDIUM,
                                MONITOR_PORT_DOC)
                        .define(
                                MONITOR_AUTH_TOKEN_CONFIG,
                                Type.PASSWORD,
                                "",
                                Importance.MEDIUM,
                                MONITOR_AUTH_TOKEN_DOC)
                        .define(
                                EVENTS_MAX_RECORD_BYTES_CONFIG,
                                Type.INT,
                                EventLimits.DEFAULT_MAX_RECORD_BYTES,
                                ConfigDef.Range.between(64, LearnerTopology.MAX_INPUT_RECORD_BYTES),
                                Importance.LOW,
                                EVENTS_MAX_RECORD_BYTES_DOC);
    }

    /** Settings the application chooses for Kafka Streams unless the user sets them. */
    /** The learner's producer batch size; see {@code STREAMS_DEFAULTS}. */
    static final int PRODUCER_BATCH_BYTES = 256 * 1024;

    private static final Map<String, Object> STREAMS_DEFAULTS =
            Map.of(
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                    StreamsConfig.EXACTLY_ONCE_V2,
                    // A training step and a checkpoint must fit inside one transaction.
                    StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                    120_000,
                    // Fewer records per poll keeps the gap between polls to a few training steps.
                    StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                    1_000,
                    // A record with an invalid timestamp would otherwise stop the stream thread.
                    StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                    UsePartitionTimeOnInvalidTimestamp.class.getName(),
                    // A pair is 6.3 KB on the pairs topic and a view 4.2 KB: the producer's default
                    // 16 KiB
                    // batch holds two or three, so every few records cost a produce request.
                    // Measured
                    // (docs/data-path.md): 267 -> 197 µs of CPU per pair, 6,302 -> 7,909 pairs/s.
                    StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                    PRODUCER_BATCH_BYTES);

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
        Map<String, Object> own = new HashMap<>();
        Map<String, Object> passThrough = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : values.entrySet()) {
            String key = entry.getKey().trim();
            if (CONFIG.names().contains(key)) {
                own.put(key, trimmed(entry.getValue()));
            } else if (isKafkaSetting(key)) {
                passThrough.put(key, trimmed(entry.getValue()));
            } else {
                throw new ConfigException(
                        key,
                        entry.getValue(),
                        "Unknown configuration key. The learner's keys are listed by 'LearnerConfig --help'"
                                + " and in topology/learner.properties; Kafka Streams, producer, consumer and"
                                + " admin settings pass through.");
            }
        }
        return new LearnerConfig(own, passThrough);
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
        Map<String, Object> values = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (NoSuchFileException e) {
                throw new ConfigException("Configuration file not found: " + file);
            } catch (IOException e) {
                throw new ConfigException(
                        "Cannot read configuration file " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        }
        values.putAll(overrides);
        return of(values);
    }

    /**
     * Parses {@code key=value} arguments.
     *
     * @param arguments the arguments
     * @return the settings, in order
     * @throws ConfigException for an argument without {@code =}
     */
    public static Map<String, String> parseOverrides(List<String> arguments) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(
                        "Settings are given as key=value, e.g. model.input.dim=784. Got: "
                                + argument);
            }
            overrides.put(argument.substring(0, eq).trim(), argument.substring(eq + 1).trim());
        }
        return overrides;
    }

    /**
     * The definition of the learner's own keys.
     *
     * @return the config definition
     */
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
        Properties props = new Properties();
        props.putAll(STREAMS_DEFAULTS);
        props.put(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                MAX_REQUEST_BYTES);
        if (getString(FAILOVER_PROFILE_CONFIG).equals("fast")) {
            props.putAll(FAST_FAILOVER);
        }
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor());
        props.putAll(passThrough);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        return props;
    }

    /**
     * Kafka settings given by the user that are not the learner's own.
     *
     * @return an unmodifiable view
     */
    public Map<String, Object> passThrough() {
        return java.util.Collections.unmodifiableMap(passThrough);
    }

    /**
     * @return the configured bootstrap servers, empty when none
     */
    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    /**
     * @return the application id
     */
    public String applicationId() {
        return getString(APPLICATION_ID_CONFIG);
    }

    /**
     * @return the topic names
     */
    public Topics topics() {
        return new Topics(
                getString(TOPIC_VIEWS_CONFIG),
                getString(TOPIC_SAMPLES_CONFIG),
                getString(TOPIC_EMBEDDINGS_CONFIG),
                getString(TOPIC_METRICS_CONFIG),
                getString(TOPIC_DEAD_LETTERS_CONFIG),
                getString(TOPIC_MODEL_CONFIG),
                getString(TOPIC_PAIRS_CONFIG),
                getString(TOPIC_PAIR_EVENTS_CONFIG));
    }

    /**
     * @return partitions for created input and output topics
     */
    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    /**
     * @return the replication factor for created topics, -1 for the broker default
     */
    public short replicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
    }

    /**
     * @return the model's name, the key of its checkpoints
     */
    public String modelName() {
        return getString(MODEL_NAME_CONFIG);
    }

    /**
     * @return the model's dimensions
     */
    public ModelSpec modelSpec() {
        return new ModelSpec(
                getInt(MODEL_INPUT_DIM_CONFIG),
                getInt(MODEL_HIDDEN_SIZE_CONFIG),
                getInt(MODEL_PROJECTION_DIM_CONFIG),
                EncoderKind.parse(getString(MODEL_ENCODER_CONFIG)));
    }

    /**
     * @return what the trainer computes: spec, loss weights, optimizer and seed
     */
    public TrainerConfig trainerConfig() {
        LossWeights weights =
                new LossWeights(
                        getDouble(LOSS_LAMBDA_INV_CONFIG).floatValue(),
                        getDouble(LOSS_MU_VAR_CONFIG).floatValue(),
                        getDouble(LOSS_NU_COV_CONFIG).floatValue(),
                        getDouble(LOSS_VARIANCE_TARGET_CONFIG).floatValue(),
                        VarianceEstimator.valueOf(
                                getString(LOSS_VARIANCE_ESTIMATOR_CONFIG)
                                        .toUpperCase(Locale.ROOT)));
        OptimizerConfig.Kind kind = OptimizerConfig.Kind.parse(getString(TRAIN_OPTIMIZER_CONFIG));
        OptimizerConfig base =
                OptimizerConfig.of(kind, getDouble(TRAIN_LEARNING_RATE_CONFIG).floatValue())
                        .withWeightDecay(getDouble(TRAIN_WEIGHT_DECAY_CONFIG).floatValue());
        OptimizerConfig optimizer =
                new OptimizerConfig(
                        base.kind(),
                        base.learningRate(),
                        base.weightDecay(),
                        base.beta1(),
                        base.beta2(),
                        base.epsilon(),
                        getDouble(TRAIN_MOMENTUM_CONFIG).floatValue(),
                        base.trustCoefficient());
        return new TrainerConfig(modelSpec(), weights, optimizer, getLong(MODEL_SEED_CONFIG));
    }

    /**
     * @return where to train
     */
    public DeviceChoice device() {
        return DeviceChoice.parse(getString(DEVICE_CONFIG));
    }

    /**
     * @return pairs per training step
     */
    public int batchSize() {
        return getInt(TRAIN_BATCH_SIZE_CONFIG);
    }

    /**
     * @return how long a partial batch waits
     */
    public long batchWindowMs() {
        return getLong(TRAIN_BATCH_WINDOW_MS_CONFIG);
    }

    /**
     * @return the most time between the two views of a sample
     */
    public long pairingWindowMs() {
        return getLong(PAIRING_WINDOW_MS_CONFIG);
    }

    /**
     * @return steps between checkpoints
     */
    public int checkpointIntervalSteps() {
        return getInt(CHECKPOINT_INTERVAL_STEPS_CONFIG);
    }

    /**
     * @return how long the trainer waits without pairs before checkpointing unsaved steps
     */
    public long checkpointIdleMs() {
        return getLong(CHECKPOINT_IDLE_MS_CONFIG);
    }

    /**
     * @return how model-topic records are signed and checked ({@code checkpoint.signing.key})
     */
    public CheckpointSignature checkpointSignature() {
        return CheckpointSignature.withKey(getPassword(CHECKPOINT_SIGNING_KEY_CONFIG).value());
    }

    /**
     * @return which representation is published for a trained pair
     */
    public EmbeddingSource embeddingSource() {
        return EmbeddingSource.parse(getString(EMBEDDING_SOURCE_CONFIG));
    }

    /**
     * @return the most samples per inference forward pass
     */
    public int inferenceBatchSize() {
        return getInt(INFERENCE_BATCH_SIZE_CONFIG);
    }

    /**
     * @return how often waiting samples are embedded anyway
     */
    public long inferenceBatchLingerMs() {
        return getLong(INFERENCE_BATCH_LINGER_MS_CONFIG);
    }

    /**
     * @return how embeddings carry their vector
     */
    public FeatureEncoding embeddingFormat() {
        return getString(EMBEDDING_FORMAT_CONFIG).equals("f32")
                ? FeatureEncoding.FLOAT32_BASE64
                : FeatureEncoding.JSON_ARRAY;
    }

    /**
     * @return the thresholds below which the log warns of collapse
     */
    public CollapseDetector.Thresholds collapseThresholds() {
        return new CollapseDetector.Thresholds(
                getDouble(COLLAPSE_STD_THRESHOLD_CONFIG),
                getDouble(COLLAPSE_RANK_THRESHOLD_CONFIG));
    }

    /**
     * @return where the monitor listens, and whether it runs
     */
    public MonitorConfig monitorConfig() {
        return MonitorConfig.defaults()
                .withEnabled(getBoolean(MONITOR_ENABLED_CONFIG))
                .withAddress(getString(MONITOR_ADDRESS_CONFIG))
                .withPort(getInt(MONITOR_PORT_CONFIG))
                .withCollapse(collapseThresholds())
                .withAuthToken(getPassword(MONITOR_AUTH_TOKEN_CONFIG).value());
    }

    /**
     * @return the largest accepted input record value
     */
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
        Topics topics = topics();
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

    private static boolean isKafkaSetting(String key) {
        if (StreamsConfig.configDef().names().contains(key)
                || ProducerConfig.configNames().contains(key)
                || ConsumerConfig.configNames().contains(key)
                || AdminClientConfig.configNames().contains(key)) {
            return true;
        }
        for (String prefix :
                List.of(
                        StreamsConfig.PRODUCER_PREFIX,
                        StreamsConfig.CONSUMER_PREFIX,
                        StreamsConfig.MAIN_CONSUMER_PREFIX,
                        StreamsConfig.RESTORE_CONSUMER_PREFIX,
                        StreamsConfig.GLOBAL_CONSUMER_PREFIX,
                        StreamsConfig.ADMIN_CLIENT_PREFIX)) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    private static Object trimmed(Object value) {
        return value instanceof String s ? s.trim() : value;
    }

    private static ConfigDef.Validator topicName() {
        return new TopicNameValidator();
    }

    /** Kafka's rule for topic names. */
    private static final class TopicNameValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String topic = (String) value;
            if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new ConfigException(
                        name,
                        value,
                        "A topic name is 1 to 249 characters of a-z, A-Z, 0-9, '.', '_', '-'.");
            }
        }

        @Override
        public String toString() {
            return "a topic name: 1 to 249 characters of a-z, A-Z, 0-9, '.', '_', '-'";
        }
    }

    /**
     * The documented defaults as a properties file: every key with its documentation, type, valid
     * values and default. {@code topology/learner.properties} is this text, and a test keeps it so.
     * Required keys without a default get {@code exampleValues}' value.
     *
     * @param exampleValues values for the required keys
     * @return the file's text
     */
    public static String defaultsAsProperties(Map<String, String> exampleValues) {
        StringBuilder out = new StringBuilder();
        out.append("# vicreg-streams learner: every setting of its own, with its default.\n");
        out.append(
                "# Generated by LearnerConfig.defaultsAsProperties; a test keeps this file equal\n");
        out.append(
                "# to the code. Kafka Streams, producer, consumer and admin settings may be added:\n");
        out.append(
                "# they pass through. Defaults the learner sets for Kafka Streams (overridable):\n");
        new java.util.TreeMap<>(STREAMS_DEFAULTS)
                .forEach((k, v) -> out.append("#   ").append(k).append('=').append(v).append('\n'));
        out.append("#   ")
                .append(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        out.append('=').append(MAX_REQUEST_BYTES).append('\n');
        for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
            out.append('\n');
            for (String line : wrap(key.documentation, 96)) {
                out.append("# ").append(line).append('\n');
            }
            out.append("# Type: ").append(key.type.name().toLowerCase(Locale.ROOT));
            if (key.validator != null) {
                out.append(". Valid: ").append(key.validator);
            }
            out.append('\n');
            if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
                out.append("# Required: no default.\n");
                out.append(key.name).append('=').append(exampleValues.getOrDefault(key.name, ""));
            } else {
                Object value = key.defaultValue;
                // A Password prints as "[hidden]", which the file would then set as the secret.
                if (value instanceof org.apache.kafka.common.config.types.Password password) {
                    value = password.value();
                }
                out.append(key.name).append('=').append(value == null ? "" : value);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** The example value of the required input dimension in the shipped defaults file. */
    public static final Map<String, String> EXAMPLE_VALUES = Map.of(MODEL_INPUT_DIM_CONFIG, "784");

    /**
     * Prints the defaults file ({@code topology/learner.properties}).
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.print(defaultsAsProperties(EXAMPLE_VALUES));
    }
}
