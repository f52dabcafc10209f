package io.github.vicregstreams.topology;

/**
 * The trainer's replay buffer ({@code train.replay.*}): after each incoming batch, {@code updates}
 * more steps on batches drawn from a bounded buffer of the pairs seen.
 *
 * @param capacity the most pairs the buffer holds; 0 turns replay off
 * @param updates replay steps after each incoming batch
 * @param eviction which pair a full buffer gives up
 * @param batchSize pairs per replay step (at most the buffer's size)
 */
record ReplaySettings(int capacity, int updates, ReplayEviction eviction, int batchSize) {

    /** Replay off: the trainer trains each incoming batch once, as without a buffer. */
    static final ReplaySettings OFF = new ReplaySettings(0, 0, ReplayEviction.FIFO, 2);

    /** Whether replay is on. */
    boolean enabled() {
        return capacity > 0;
    }
}
