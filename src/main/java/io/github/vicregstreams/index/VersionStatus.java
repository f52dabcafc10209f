package io.github.vicregstreams.index;

/**
 * What the index holds of one model version.
 *
 * @param version the version
 * @param items how many distinct ids it holds
 * @param completeItems the {@code items} of its complete event, or null while none was read
 * @param dimension the dimension of its vectors, or 0 while it has none
 */
public record VersionStatus(long version, int items, Long completeItems, int dimension) {

    /**
     * Whether its complete event was read.
     *
     * @return whether {@code completeItems} is known
     */
    public boolean complete() {
        return completeItems != null;
    }
}
