package io.github.vicregstreams.topology;

/**
 * The model topic's keys for model versions, beside the model's own checkpoint (key {@code m} and
 * {@code m/chunk-i}, see {@link io.github.vicregstreams.events.CheckpointChunks}):
 *
 * <ul>
 *   <li>{@code m@v<N>} and {@code m@v<N>/chunk-i}: the checkpoint of version N, written by the
 *       trainer as a checkpoint of the model named {@code m@v<N>}, so compaction keeps every
 *       version until it is retired (tombstones under the same keys);
 *   <li>{@code m@v<N>/alignment} and {@code m@v<N>/alignment/chunk-i}: the rotation onto the
 *       previous version's space, with {@code model.version.align=procrustes}, written by the
 *       backfill when it starts, in chunks as a checkpoint is (it takes 1 MiB at d = 512);
 *   <li>{@code m@serving}: the served version's number (decimal ASCII), written when its backfill
 *       is complete.
 * </ul>
 *
 * The global store keeps the same keys, plus {@code m@versions}: a {@link ModelVersions} summary
 * that the global processor derives from the records above.
 */
final class VersionedModelKeys {

    private static final String VERSION_INFIX = "@v";
    private static final String ALIGNMENT_SUFFIX = "/alignment";

    private VersionedModelKeys() {}

    /** The name version {@code version} is published under: {@code m@v<N>}. */
    static String versionModel(String modelName, long version) {
        return modelName + VERSION_INFIX + version;
    }

    /** The key of version {@code version}'s alignment: {@code m@v<N>/alignment}. */
    static String alignment(String modelName, long version) {
        return versionModel(modelName, version) + ALIGNMENT_SUFFIX;
    }

    /** The key of the served version's number: {@code m@serving}. */
    static String serving(String modelName) {
        return modelName + "@serving";
    }

    /** The global store's key of the {@link ModelVersions} summary: {@code m@versions}. */
    static String summary(String modelName) {
        return modelName + "@versions";
    }

    /**
     * The version a model-topic key belongs to: its checkpoint's manifest or chunk, or its
     * alignment.
     *
     * @return the version number, or -1 when the key is not a version's
     */
    static long versionOf(String modelName, String key) {
        String prefix = modelName + VERSION_INFIX;
        if (key == null || !key.startsWith(prefix)) {
            return -1;
        }
        int end = key.indexOf('/', prefix.length());
        String digits = key.substring(prefix.length(), end < 0 ? key.length() : end);
        if (digits.isEmpty()
                || digits.length() > 18
                || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        long version = Long.parseLong(digits);
        return version >= 1 ? version : -1;
    }

    /** Whether a key is a version's alignment: its manifest or one of its chunks. */
    static boolean isAlignment(String modelName, String key) {
        long version = versionOf(modelName, key);
        return version > 0
                && io.github.vicregstreams.events.CheckpointChunks.belongsTo(
                        alignment(modelName, version), key);
    }
}
