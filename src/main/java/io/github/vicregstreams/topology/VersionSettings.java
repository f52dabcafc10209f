package io.github.vicregstreams.topology;

/**
 * When the trainer promotes a checkpoint to a model version, and how versions are aligned.
 *
 * @param intervalSteps {@code model.version.interval.steps}, 0 for none
 * @param intervalMs {@code model.version.interval.ms}, 0 for none
 * @param align whether a new version's embeddings are rotated onto the previous version's space
 * @param alignReferenceItems how many items the rotation is fitted on
 */
public record VersionSettings(
        long intervalSteps, long intervalMs, boolean align, int alignReferenceItems) {

    /**
     * Whether model versions are on: either interval is set.
     *
     * @return true when versions are on
     */
    public boolean enabled() {
        return intervalSteps > 0 || intervalMs > 0;
    }

    /**
     * Whether a checkpoint is due to become the next version.
     *
     * @param stepsSinceVersion training steps since the last version (or since step 0)
     * @param msSinceVersion wall-clock milliseconds since the last version was promoted (or since
     *     the trainer started, before the first)
     * @return true when an interval that is set has passed
     */
    public boolean due(long stepsSinceVersion, long msSinceVersion) {
        return (intervalSteps > 0 && stepsSinceVersion >= intervalSteps)
                || (intervalMs > 0 && msSinceVersion >= intervalMs);
    }
}
