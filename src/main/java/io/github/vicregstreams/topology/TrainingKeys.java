package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.OptimizerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How the trainer learns and keeps its work: the optimizer, batching, pairing, checkpoints, their
 * signature, and how fast the trainer fails over.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them; and the values that
 * several of them make together.
 */
final class TrainingKeys {

    private static final String TRAIN_OPTIMIZER_DOC = "adam, sgd (with momentum) or lars.";
    private static final String TRAIN_LEARNING_RATE_DOC = "The optimizer's step size.";
    private static final String TRAIN_WEIGHT_DECAY_DOC =
            "Weight decay (decoupled for adam; weight matrices only for sgd and lars).";
    private static final String TRAIN_MOMENTUM_DOC = "Momentum of sgd and lars.";
    private static final String TRAIN_BATCH_WINDOW_MS_DOC =
            "A smaller batch (at least 2 pairs) is released once its first pair has waited this long"
                    + " in stream time, or once no pair has arrived for this long in wall-clock time (an"
                    + " idle stream; while pairs keep arriving, as from a backlog, batches fill up; a"
                    + " stall of the stream thread itself, such as a long checkpoint, is not idle time).";
    private static final String TRAIN_STEP_THREAD_DOC =
            "Runs each training step on a thread of its own, so that the stream thread reads, pairs,"
                    + " publishes and commits while the step runs (one step at a time; the stream thread"
                    + " publishes a step's outputs at the first record or punctuation after it ends, in"
                    + " order, exactly once; within about 20 ms when idle). false runs steps on the"
                    + " stream thread, each step's outputs forwarded before the record that released its"
                    + " batch returns.";
    private static final String PAIRING_WINDOW_MS_DOC =
            "Most time between the two views of a sample; a view whose partner has not come within it"
                    + " is dead-lettered as an orphan.";
    private static final String CHECKPOINT_INTERVAL_STEPS_DOC =
            "Steps between checkpoints to the state store and the model topic (and one at shutdown)."
                    + " Steps since the last checkpoint are replayed from the pairs topic after a crash, so"
                    + " none is lost or repeated; the pairs topic must keep its records that long"
                    + " (it is created with one day of retention).";
    private static final String CHECKPOINT_IDLE_MS_DOC =
            "When steps were trained since the last checkpoint and no pair has arrived for this long"
                    + " (wall-clock), checkpoint them to the store and the model topic, so that a stream"
                    + " that stops does not leave its last steps out of the model topic.";
    private static final String FAILOVER_PROFILE_DOC =
            "'fast' moves the trainer to another instance within seconds of a crash: a standby replica"
                    + " of every store (num.standby.replicas=1), a 6 s session time-out with 1.5 s"
                    + " heartbeats, and a 10 s transaction time-out (a dead instance's open transaction"
                    + " holds back read_committed readers until it is aborted). 'default' keeps Kafka"
                    + " Streams' own (45 s session time-out) and a 120 s transaction time-out. Settings given"
                    + " explicitly win. See docs/failover.md.";
    private static final String CHECKPOINT_SIGNING_KEY_DOC =
            "Shared secret for HMAC-SHA256 signatures of model-topic records (header"
                    + " vicreg.signature). When set, the trainer signs what it publishes, and inference,"
                    + " the trainer's resume, evaluate and the monitor refuse unsigned or badly signed"
                    + " records: anyone who can write the topic can otherwise publish a model. Empty for"
                    + " none.";

    private TrainingKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.TRAIN_OPTIMIZER_CONFIG,
                        Type.STRING,
                        "adam",
                        ConfigDef.ValidString.in("adam", "sgd", "lars"),
                        Importance.MEDIUM,
                        TRAIN_OPTIMIZER_DOC)
                .define(
                        LearnerConfig.TRAIN_LEARNING_RATE_CONFIG,
                        Type.DOUBLE,
                        (double) OptimizerConfig.DEFAULT_ADAM_LEARNING_RATE,
                        ConfigDef.Range.between(Double.MIN_VALUE, 10),
                        Importance.MEDIUM,
                        TRAIN_LEARNING_RATE_DOC)
                .define(
                        LearnerConfig.TRAIN_WEIGHT_DECAY_CONFIG,
                        Type.DOUBLE,
                        0.0,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        TRAIN_WEIGHT_DECAY_DOC)
                .define(
                        LearnerConfig.TRAIN_MOMENTUM_CONFIG,
                        Type.DOUBLE,
                        0.9,
                        ConfigDef.Range.between(0, 0.999999),
                        Importance.LOW,
                        TRAIN_MOMENTUM_DOC)
                .define(
                        LearnerConfig.TRAIN_BATCH_WINDOW_MS_CONFIG,
                        Type.LONG,
                        5_000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        TRAIN_BATCH_WINDOW_MS_DOC)
                .define(
                        LearnerConfig.TRAIN_STEP_THREAD_CONFIG,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        TRAIN_STEP_THREAD_DOC)
                .define(
                        LearnerConfig.PAIRING_WINDOW_MS_CONFIG,
                        Type.LONG,
                        60_000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        PAIRING_WINDOW_MS_DOC)
                .define(
                        LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG,
                        Type.INT,
                        100,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        CHECKPOINT_INTERVAL_STEPS_DOC)
                .define(
                        LearnerConfig.CHECKPOINT_IDLE_MS_CONFIG,
                        Type.LONG,
                        10_000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        CHECKPOINT_IDLE_MS_DOC)
                .define(
                        LearnerConfig.FAILOVER_PROFILE_CONFIG,
                        Type.STRING,
                        "default",
                        ConfigDef.ValidString.in("default", "fast"),
                        Importance.MEDIUM,
                        FAILOVER_PROFILE_DOC)
                .define(
                        LearnerConfig.CHECKPOINT_SIGNING_KEY_CONFIG,
                        Type.PASSWORD,
                        "",
                        Importance.MEDIUM,
                        CHECKPOINT_SIGNING_KEY_DOC);
    }

    /**
     * The optimizer: the kind's own defaults (betas, epsilon, trust coefficient) with the
     * configured learning rate, weight decay and momentum.
     */
    static OptimizerConfig optimizer(LearnerConfig config) {
        OptimizerConfig.Kind kind =
                OptimizerConfig.Kind.parse(config.getString(LearnerConfig.TRAIN_OPTIMIZER_CONFIG));
        OptimizerConfig base =
                OptimizerConfig.of(
                                kind,
                                config.getDouble(LearnerConfig.TRAIN_LEARNING_RATE_CONFIG)
                                        .floatValue())
                        .withWeightDecay(
                                config.getDouble(LearnerConfig.TRAIN_WEIGHT_DECAY_CONFIG)
                                        .floatValue());
        return new OptimizerConfig(
                base.kind(),
                base.learningRate(),
                base.weightDecay(),
                base.beta1(),
                base.beta2(),
                base.epsilon(),
                config.getDouble(LearnerConfig.TRAIN_MOMENTUM_CONFIG).floatValue(),
                base.trustCoefficient());
    }
}
