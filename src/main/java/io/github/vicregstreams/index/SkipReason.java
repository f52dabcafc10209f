package io.github.vicregstreams.index;

import java.util.Locale;

/** Why the index consumer did not index a record; each is counted in {@link IndexProgress}. */
public enum SkipReason {
    /** An embedding of no model version: a training embedding, or inference with versions off. */
    NOT_A_VERSION(false),
    /** An embedding of a version the index has retired (see {@link Versions}). */
    RETIRED_VERSION(false),
    /** A model version event of another model ({@code model.name}). */
    OTHER_MODEL(false),
    /** A record with no value. */
    EMPTY_VALUE(true),
    /** A value that is not a valid embedding event or model version event. */
    UNPARSABLE(true),
    /** An embedding of all zeros: it has no cosine similarity to anything. */
    ZERO_VECTOR(true),
    /** An embedding of another dimension than the earlier ones of its version. */
    WRONG_DIMENSION(true),
    /** An embedding of more dimensions than Lucene's HNSW vectors take (1024). */
    TOO_MANY_DIMENSIONS(true);

    private final boolean bad;
    private final String code = name().toLowerCase(Locale.ROOT).replace('_', '-');

    SkipReason(boolean bad) {
        this.bad = bad;
    }

    /**
     * Whether the record is bad (logged as a warning), rather than not meant for the index.
     *
     * @return whether it is bad
     */
    public boolean bad() {
        return bad;
    }

    /**
     * The reason in {@code /status}, e.g. {@code not-a-version}.
     *
     * @return the code
     */
    public String code() {
        return code;
    }
}
