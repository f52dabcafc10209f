package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.EnumNames;

/** Which pair a full replay buffer gives up for a new one ({@code train.replay.eviction}). */
enum ReplayEviction {
    /** The oldest pair: the buffer holds the latest {@code capacity} pairs. */
    FIFO,
    /** A uniformly random pair: the buffer is a uniform sample of every pair seen. */
    RESERVOIR,
    /**
     * The pair whose representation is closest to another's, among the new pairs and as many
     * buffered ones drawn at random: the buffer keeps pairs unlike each other.
     */
    MIN_REDUNDANCY;

    static ReplayEviction parse(String name) {
        return EnumNames.parse(
                ReplayEviction.class, LearnerConfig.TRAIN_REPLAY_EVICTION_CONFIG, name);
    }
}
