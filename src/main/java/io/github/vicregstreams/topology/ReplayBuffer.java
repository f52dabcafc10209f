package io.github.vicregstreams.topology;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The trainer's replay buffer: at most {@code capacity} pairs, in slots, with (for {@link
 * ReplayEviction#MIN_REDUNDANCY}) each pair's latest representation; which pair a full buffer gives
 * up is the eviction's choice. Every random choice takes the generator it is handed, which the
 * trainer seeds from its step: the same pairs added and drawn in the same order from the same
 * contents give the same buffer, in every run.
 *
 * <p>It remembers which slots took a new pair, and which only a refreshed representation, since
 * {@link #markSaved()}, for {@link ReplayBufferStore}. Not thread-safe: the trainer's stream thread
 * owns it.
 */
final class ReplayBuffer {

    /**
     * Buffered pairs that min-redundancy compares with the new ones, at least: the similarity of
     * (this + new)² representations costs about as much as a training step for 256 new pairs.
     */
    static final int MIN_REDUNDANCY_SAMPLE = 256;

    /** Pairs drawn for a replay step, and the slots they are in. */
    record Draw(int[] slots, List<TrainingPair> pairs) {}

    private final int capacity;
    private final ReplayEviction eviction;
    private final List<TrainingPair> pairs = new ArrayList<>();
    private final List<float[]> representations = new ArrayList<>();
    private final BitSet changed = new BitSet();
    private final BitSet refreshed = new BitSet();
    private long seen;
    private int next;

    /**
     * An empty buffer.
     *
     * @param capacity the most pairs it holds, at least 1
     * @param eviction which pair a full buffer gives up
     */
    ReplayBuffer(int capacity, ReplayEviction eviction) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.eviction = eviction;
    }

    int capacity() {
        return capacity;
    }

    ReplayEviction eviction() {
        return eviction;
    }

    /** Pairs held. */
    int size() {
        return pairs.size();
    }

    /** Pairs ever offered to the buffer (kept or not). */
    long seen() {
        return seen;
    }

    /** The slot FIFO fills next once full. */
    int next() {
        return next;
    }

    TrainingPair pair(int slot) {
        return pairs.get(slot);
    }

    /** The pair's latest representation, or null when the eviction keeps none. */
    float[] representation(int slot) {
        return eviction == ReplayEviction.MIN_REDUNDANCY ? representations.get(slot) : null;
    }

    /**
     * Offers pairs, in order, with their representations (row i is pair i's); the eviction decides
     * which stay.
     *
     * @param batch the pairs
     * @param reps their representations, {@code [batch.size()][d]}, all finite (min-redundancy
     *     compares them; the other evictions ignore them)
     * @param random the generator of this addition's random choices
     */
    void add(List<TrainingPair> batch, float[][] reps, Random random) {
        List<Integer> overflow = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            long position = seen++;
            if (pairs.size() < capacity) {
                put(pairs.size(), batch.get(i), reps[i]);
                continue;
            }
            switch (eviction) {
                case FIFO -> {
                    put(next, batch.get(i), reps[i]);
                    next = (next + 1) % capacity;
                }
                case RESERVOIR -> {
                    // Algorithm R: the pair seen at this position is kept with chance
                    // capacity/(n+1).
                    long slot = random.nextLong(position + 1);
                    if (slot < capacity) {
                        put((int) slot, batch.get(i), reps[i]);
                    }
                }
                case MIN_REDUNDANCY -> overflow.add(i);
            }
        }
        if (!overflow.isEmpty()) {
            addLeastRedundant(batch, reps, overflow, random);
        }
    }

    /**
     * Min-redundancy with a full buffer: among the new pairs and a random sample of buffered ones,
     * evicts as many as there are new pairs, each time the one whose representation is closest to
     * another's; the new pairs that stay take the evicted buffered pairs' slots.
     */
    private void addLeastRedundant(
            List<TrainingPair> batch, float[][] reps, List<Integer> newcomers, Random random) {
        int sampled = Math.min(size(), Math.max(newcomers.size(), MIN_REDUNDANCY_SAMPLE));
        int[] slots = sample(sampled, random);
        float[][] candidates = new float[sampled + newcomers.size()][];
        for (int k = 0; k < sampled; k++) {
            candidates[k] = representations.get(slots[k]);
        }
        for (int k = 0; k < newcomers.size(); k++) {
            candidates[sampled + k] = reps[newcomers.get(k)];
        }
        BitSet evicted = MinRedundancy.mostRedundant(candidates, newcomers.size());
        int free = evicted.nextSetBit(0);
        for (int k = 0; k < newcomers.size(); k++) {
            if (!evicted.get(sampled + k)) {
                // As many buffered pairs were evicted as new pairs stay: free < sampled.
                int i = newcomers.get(k);
                put(slots[free], batch.get(i), reps[i]);
                free = evicted.nextSetBit(free + 1);
            }
        }
    }

    /**
     * Draws up to {@code n} distinct pairs, uniformly.
     *
     * @param n the replay batch size
     * @param random the generator of this draw
     * @return {@code min(n, size())} pairs and their slots
     */
    Draw draw(int n, Random random) {
        int[] slots = sample(Math.min(n, size()), random);
        List<TrainingPair> drawn = new ArrayList<>(slots.length);
        for (int slot : slots) {
            drawn.add(pairs.get(slot));
        }
        return new Draw(slots, drawn);
    }

    /**
     * Replaces the representations of replayed pairs with those their replay step computed.
     *
     * @param slots the slots of the draw
     * @param reps row i for {@code slots[i]}; non-finite rows are ignored
     */
    void refresh(int[] slots, float[][] reps) {
        if (eviction != ReplayEviction.MIN_REDUNDANCY) {
            return;
        }
        for (int i = 0; i < slots.length; i++) {
            if (Finite.all(reps[i])) {
                representations.set(slots[i], reps[i]);
                refreshed.set(slots[i]);
            }
        }
    }

    /** The slots that took a new pair since the last {@link #markSaved()}, in order. */
    BitSet changed() {
        return (BitSet) changed.clone();
    }

    /**
     * The slots whose pair stayed and whose representation was refreshed since the last {@link
     * #markSaved()}, in order.
     */
    BitSet refreshed() {
        BitSet only = (BitSet) refreshed.clone();
        only.andNot(changed);
        return only;
    }

    /** The changed slots are in the store now. */
    void markSaved() {
        changed.clear();
        refreshed.clear();
    }

    /** Puts back a saved slot; slots are restored in order, from 0. */
    void restore(int slot, TrainingPair pair, float[] representation) {
        if (slot != pairs.size() || slot >= capacity) {
            throw new IllegalStateException("slot " + slot + " restored out of order");
        }
        pairs.add(pair);
        representations.add(representation);
    }

    /** Puts back the counters of a saved buffer. */
    void restoreCounters(long seen, int next) {
        this.seen = seen;
        this.next = next >= 0 && next < capacity ? next : 0;
    }

    private void put(int slot, TrainingPair pair, float[] representation) {
        float[] kept = eviction == ReplayEviction.MIN_REDUNDANCY ? representation : null;
        if (slot == pairs.size()) {
            pairs.add(pair);
            representations.add(kept);
        } else {
            pairs.set(slot, pair);
            representations.set(slot, kept);
        }
        changed.set(slot);
    }

    /** {@code k} distinct slots, uniformly (Floyd's algorithm), in a generator-determined order. */
    private int[] sample(int k, Random random) {
        int n = size();
        Set<Integer> chosen = new LinkedHashSet<>();
        for (int j = n - k; j < n; j++) {
            int t = random.nextInt(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
