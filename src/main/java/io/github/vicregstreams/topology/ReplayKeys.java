package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.EnumNames;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The trainer's replay buffer: how many pairs it keeps, how many replay steps follow each incoming
 * batch, which pair a full buffer evicts, and the replay batch size.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them.
 */
final class ReplayKeys {

    private static final String CAPACITY_DOC =
            "Pairs the replay buffer holds (0: no replay). After each incoming batch the trainer takes"
                    + " train.replay.updates more steps on batches drawn from the buffer, seeded from the"
                    + " step, so a restart that replays the pairs topic reaches the same weights. The"
                    + " buffer is saved to the trainer-state store with every checkpoint: its pairs are"
                    + " held in memory and its changed slots are written to the changelog.";
    private static final String UPDATES_DOC =
            "Replay steps after each incoming batch (at least 1 when the buffer is on). They publish"
                    + " no embeddings and no metrics event; the step counter counts them.";
    private static final String EVICTION_DOC =
            "Which pair a full buffer gives up for a new one: fifo (the oldest), reservoir (a uniform"
                    + " sample of every pair seen) or min-redundancy (the pair whose representation is"
                    + " closest to another's, among the new pairs and as many buffered ones drawn at"
                    + " random; representations are refreshed when a pair is replayed).";
    private static final String BATCH_SIZE_DOC =
            "Pairs per replay step (at least 2); 0: train.batch.size. A buffer holding fewer pairs"
                    + " replays them all; one holding fewer than 2 replays nothing.";

    private ReplayKeys() {}

    /** Accepts {@link ReplayEviction}'s names, with {@link ReplayEviction#parse}'s message. */
    private static final class EvictionValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                ReplayEviction.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return Arrays.stream(ReplayEviction.values())
                    .map(EnumNames::of)
                    .collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG,
                        Type.INT,
                        0,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        CAPACITY_DOC)
                .define(
                        LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG,
                        Type.INT,
                        1,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        UPDATES_DOC)
                .define(
                        LearnerConfig.TRAIN_REPLAY_EVICTION_CONFIG,
                        Type.STRING,
                        "fifo",
                        new EvictionValidator(),
                        Importance.MEDIUM,
                        EVICTION_DOC)
                .define(
                        LearnerConfig.TRAIN_REPLAY_BATCH_SIZE_CONFIG,
                        Type.INT,
                        0,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        BATCH_SIZE_DOC);
    }

    /**
     * The replay settings a configuration gives.
     *
     * @throws ConfigException when the buffer is on with no replay step, holds fewer than 2 pairs,
     *     or replays batches of 1 pair
     */
    static ReplaySettings settings(LearnerConfig config) {
        int capacity = config.getInt(LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG);
        int updates = config.getInt(LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG);
        int batchSize = config.getInt(LearnerConfig.TRAIN_REPLAY_BATCH_SIZE_CONFIG);
        ReplayEviction eviction =
                ReplayEviction.parse(config.getString(LearnerConfig.TRAIN_REPLAY_EVICTION_CONFIG));
        if (capacity == 0) {
            return ReplaySettings.OFF;
        }
        if (capacity < 2) {
            throw new ConfigException(
                    LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG,
                    capacity,
                    "A replay buffer holds at least 2 pairs (0: off)");
        }
        if (updates < 1) {
            throw new ConfigException(
                    LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG,
                    updates,
                    "At least 1 replay step per batch when "
                            + LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG
                            + " is set");
        }
        if (batchSize == 1) {
            throw new ConfigException(
                    LearnerConfig.TRAIN_REPLAY_BATCH_SIZE_CONFIG,
                    batchSize,
                    "A replay step takes at least 2 pairs (0: "
                            + LearnerConfig.TRAIN_BATCH_SIZE_CONFIG
                            + ")");
        }
        return new ReplaySettings(
                capacity, updates, eviction, batchSize == 0 ? config.batchSize() : batchSize);
    }
}
