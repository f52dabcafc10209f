package io.github.vicregstreams.index;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongToIntFunction;

/**
 * Which model version the index serves, and the rules that change it.
 *
 * <ul>
 *   <li><b>Swap:</b> the index serves version N once it has read N's {@code complete} event and
 *       holds at least that event's {@code items} ids of N: the complete event may be read before
 *       the last embeddings of N, since they come on another topic. Of several versions ready at
 *       once, the newest wins.
 *   <li><b>Retire:</b> after a swap to N, the index keeps N, the version it served before N (the
 *       {@code previous} one), and every version newer than N (their backfills may be under way).
 *       The others are retired: their vectors are deleted and their late embeddings ignored.
 * </ul>
 *
 * @param serving the version served, or null before any was complete
 * @param previous the version served before {@code serving}, or null
 * @param complete {@code items} of each complete event read, by version, for versions not retired
 */
record Versions(Long serving, Long previous, SortedMap<Long, Long> complete) {

    Versions {
        complete = Collections.unmodifiableSortedMap(new TreeMap<>(complete));
        if (previous != null && (serving == null || previous >= serving)) {
            throw new IllegalArgumentException(
                    "previous must be older than serving. Got: previous="
                            + previous
                            + ", serving="
                            + serving);
        }
    }

    /** The state of an index that has read nothing. */
    static Versions none() {
        return new Versions(null, null, new TreeMap<>());
    }

    /** Whether {@code version} is retired: its vectors deleted, its embeddings ignored. */
    boolean retired(long version) {
        return serving != null && version < serving && !Objects.equals(version, previous);
    }

    /**
     * The state after a complete event of {@code version} with {@code items}. A complete event of
     * the served version or an older one changes nothing: that version was ready long ago.
     */
    Versions withComplete(long version, long items) {
        if (serving != null && version <= serving) {
            return this;
        }
        SortedMap<Long, Long> more = new TreeMap<>(complete);
        more.put(version, items);
        return new Versions(serving, previous, more);
    }

    /**
     * The newest complete version newer than the served one that holds at least its complete
     * event's item count, or null.
     *
     * @param count how many ids a version holds
     */
    Long ready(LongToIntFunction count) {
        for (Long version : new TreeSet<>(complete.keySet()).descendingSet()) {
            if (serving != null && version <= serving) {
                break;
            }
            if (count.applyAsInt(version) >= complete.get(version)) {
                return version;
            }
        }
        return null;
    }

    /** The state after a swap to {@code version}, newer than the served one. */
    Versions servingNow(long version) {
        if (serving != null && version <= serving) {
            throw new IllegalArgumentException(
                    "A swap goes to a newer version than " + serving + ". Got: " + version);
        }
        Versions swapped = new Versions(version, serving, complete);
        SortedMap<Long, Long> kept = new TreeMap<>(complete);
        kept.keySet().removeIf(swapped::retired);
        return new Versions(version, serving, kept);
    }

    /** The versions of {@code held} that are retired. */
    SortedSet<Long> retiredAmong(Set<Long> held) {
        SortedSet<Long> retired = new TreeSet<>();
        for (long version : held) {
            if (retired(version)) {
                retired.add(version);
            }
        }
        return retired;
    }
}
