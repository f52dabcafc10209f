package io.github.vicregstreams.index;

import java.util.Objects;

/**
 * One nearest neighbour of a query.
 *
 * @param id the item's id
 * @param score the cosine similarity of the item's embedding to the query, in [-1, 1]
 * @param metadata the metadata JSON of the item's embedding event, or null when it had none
 */
public record Neighbour(String id, float score, String metadata) {

    /**
     * Creates a neighbour.
     *
     * @throws NullPointerException if {@code id} is null
     */
    public Neighbour {
        Objects.requireNonNull(id, "id must not be null");
    }
}
