package io.github.vicregstreams.index;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;

/**
 * A nearest-neighbour index of the embeddings of each model version (Lucene HNSW graphs, one per
 * version, cosine similarity) that serves one version at a time: the newest complete one (see
 * {@link Versions} for the swap and retirement rules).
 *
 * <pre>{@code
 * try (EmbeddingIndex index = EmbeddingIndex.open(Path.of("index"))) {
 *     long version = index.servingVersion().orElseThrow();
 *     List<Neighbour> nearest = index.neighboursOf(version, "item-42", 10);
 * }
 * }</pre>
 *
 * <p>{@link IndexConsumer} fills it from the embeddings and model-versions topics. Reads are
 * thread-safe and see the writes up to the consumer's last batch; writes come from one thread.
 * {@link #close()} does not commit: the consumer commits, with its offsets.
 */
public final class EmbeddingIndex implements AutoCloseable {

    /** The most neighbours one search returns. */
    public static final int MAX_K = 1000;

    /**
     * HNSW searches at least this many candidates, even for a small k, and keeps the best k: a
     * wider search finds the true nearest neighbours more often.
     */
    static final int MIN_CANDIDATES = 100;

    private final VectorStore store;
    private final Map<TopicPartition, Long> committedOffsets;
    private volatile Versions versions;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddingIndex(VectorStore store) {
        this.store = store;
        CommitData committed = CommitData.fromUserData(store.commitData());
        this.committedOffsets = committed.offsets();
        this.versions = committed.versions();
    }

    /**
     * Opens the index in {@code dir} at its last commit, creating an empty one if there is none.
     *
     * @param dir the index directory
     * @return the open index
     * @throws IllegalStateException if another index holds the directory, or its commit data is not
     *     this program's
     * @throws java.io.UncheckedIOException if Lucene cannot read or create it
     */
    public static EmbeddingIndex open(Path dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        VectorStore store = VectorStore.open(dir);
        try {
            return new EmbeddingIndex(store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The version served: the newest complete version the index holds in full.
     *
     * @return the version, or empty before any version was complete
     */
    public OptionalLong servingVersion() {
        Long serving = versions.serving();
        return serving == null ? OptionalLong.empty() : OptionalLong.of(serving);
    }

    /**
     * How many distinct ids {@code version} holds.
     *
     * @param version the version
     * @return the count, 0 for a version it does not hold
     */
    public int count(long version) {
        return store.count(version);
    }

    /**
     * The ids {@code version} holds.
     *
     * @param version the version
     * @return the ids, empty for a version it does not hold
     */
    public Set<String> ids(long version) {
        return store.ids(version);
    }

    /**
     * The dimension of {@code version}'s vectors.
     *
     * @param version the version
     * @return the dimension, 0 while it holds none
     */
    public int dimension(long version) {
        return store.dimension(version);
    }

    /**
     * What the index holds of each version it knows: the ones it has vectors of and the complete
     * ones, less the retired ones it holds nothing of any more.
     *
     * @return by version, ascending
     */
    public SortedMap<Long, VersionStatus> versions() {
        Versions state = versions;
        SortedSet<Long> known = new TreeSet<>(store.versions());
        known.addAll(state.complete().keySet());
        SortedMap<Long, VersionStatus> statuses = new TreeMap<>();
        for (long version : known) {
            int items = store.count(version);
            if (state.retired(version) && items == 0) {
                continue;
            }
            statuses.put(
                    version,
                    new VersionStatus(
                            version,
                            items,
                            state.complete().get(version),
                            store.dimension(version)));
        }
        return statuses;
    }

    /**
     * The {@code k} items of {@code version} nearest to {@code query} by cosine similarity, most
     * similar first. HNSW is approximate: rarely, a true neighbour is missed.
     *
     * @param version the version to search
     * @param query a vector of the version's dimension, not all zeros
     * @param k how many, 1 to {@link #MAX_K}
     * @return up to {@code k} neighbours; none for a version the index does not hold
     * @throws IllegalArgumentException for a bad {@code k}, a query of another dimension, a
     *     non-finite value or a zero vector
     */
    public List<Neighbour> search(long version, float[] query, int k) {
        Objects.requireNonNull(query, "query must not be null");
        requireK(k);
        int dimension = store.dimension(version);
        if (dimension == 0) {
            return List.of();
        }
        if (query.length != dimension) {
            throw new IllegalArgumentException(
                    "The query must have the dimension of version "
                            + version
                            + "'s embeddings, "
                            + dimension
                            + ". Got: "
                            + query.length);
        }
        return nearest(version, UnitVectors.unit(query), k, null);
    }

    /**
     * The {@code k} items of {@code version} nearest to item {@code id}'s own embedding in that
     * version, the item itself excluded, most similar first.
     *
     * @param version the version to search
     * @param id an item the version holds
     * @param k how many, 1 to {@link #MAX_K}
     * @return up to {@code k} neighbours
     * @throws IllegalArgumentException for a bad {@code k}, or an id the version does not hold
     */
    public List<Neighbour> neighboursOf(long version, String id, int k) {
        Objects.requireNonNull(id, "id must not be null");
        requireK(k);
        float[] vector = store.vector(version, id);
        if (vector == null) {
            throw new IllegalArgumentException(
                    "Version " + version + " holds no item with id " + id);
        }
        return nearest(version, vector, k, id);
    }

    /**
     * Waits until the index serves {@code version} or a newer one.
     *
     * @param version the version
     * @param timeout how long to wait at most
     * @return whether it does
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitServing(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (versions.serving() == null || versions.serving() < version) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Duration wait = Duration.ofNanos(left);
                wait(Math.max(1, wait.toMillis()));
            }
            return true;
        }
    }

    /** Discards what was not committed and releases the directory; again, does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.close();
        }
    }

    /** Whether embeddings of {@code version} are kept: it is not retired. */
    boolean accepts(long version) {
        return !versions.retired(version);
    }

    /**
     * Adds or replaces item {@code id}'s vector in {@code version}, unless the vector cannot be
     * indexed.
     *
     * @param vector finite values (as every {@code EmbeddingEvent} holds)
     * @return null when indexed, else why not
     */
    SkipReason upsert(long version, String id, float[] vector, String metadata) {
        if (vector.length > VectorStore.MAX_DIMENSIONS) {
            return SkipReason.TOO_MANY_DIMENSIONS;
        }
        int dimension = store.dimension(version);
        if (dimension != 0 && dimension != vector.length) {
            return SkipReason.WRONG_DIMENSION;
        }
        if (UnitVectors.isZero(vector)) {
            return SkipReason.ZERO_VECTOR;
        }
        store.upsert(version, id, UnitVectors.unit(vector), metadata);
        return null;
    }

    /** Takes in a complete event of {@code version} with {@code items}. */
    void complete(long version, long items) {
        versions = versions.withComplete(version, items);
    }

    /**
     * Makes the writes visible, then swaps to the newest ready version if there is one and deletes
     * the versions that retires.
     *
     * @return the version swapped to, or null
     */
    Long refreshAndSwap() {
        store.refresh();
        Long ready = versions.ready(store::count);
        if (ready == null) {
            return null;
        }
        Versions swapped = versions.servingNow(ready);
        for (long retired : swapped.retiredAmong(store.versions())) {
            store.deleteVersion(retired);
        }
        store.refresh();
        synchronized (this) {
            versions = swapped;
            notifyAll();
        }
        return ready;
    }

    /** Commits the writes so far with the versions state and {@code offsets}, atomically. */
    void commit(Map<TopicPartition, Long> offsets) {
        store.commit(new CommitData(versions, offsets).toUserData());
    }

    /** The offsets of the commit the index opened at: where its consumer resumes. */
    Map<TopicPartition, Long> committedOffsets() {
        return committedOffsets;
    }

    /** The versions state (serving, previous, complete events) as of now. */
    Versions versionsState() {
        return versions;
    }

    private List<Neighbour> nearest(long version, float[] unitQuery, int k, String exclude) {
        int candidates = Math.max(exclude == null ? k : k + 1, MIN_CANDIDATES);
        List<Neighbour> neighbours = new ArrayList<>(k);
        for (VectorStore.Hit hit : store.search(version, unitQuery, candidates, k, exclude)) {
            neighbours.add(new Neighbour(hit.id(), hit.cosine(), hit.metadata()));
        }
        return neighbours;
    }

    private static void requireK(int k) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ". Got: " + k);
        }
    }
}
