package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.InferenceModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The encoders of stored model versions, for the backfill: embeds with a version in its raw space
 * or in the space it is served in (rotated by its alignment), and fits a new version's alignment.
 * Keeps the model of the version last used, since a backfill embeds with one version for a long
 * time. Used on one stream thread.
 */
final class VersionModels implements AutoCloseable {

    /** Embeddings, and the training step of the weights that made them. */
    record Embedded(float[][] embeddings, long step) {}

    private final String modelName;
    private final ModelWeightsCache weights;
    private final DeviceChoice device;
    private final KeyValueStore<String, byte[]> store;
    private InferenceModel model;
    private long modelVersion;
    private OrthogonalProcrustes modelRotation;
    private OrthogonalProcrustes alignment;
    private byte[] alignmentBytes;
    private long alignmentVersion;

    VersionModels(
            String modelName,
            ModelWeightsCache weights,
            DeviceChoice device,
            KeyValueStore<String, byte[]> store) {
        this.modelName = modelName;
        this.weights = weights;
        this.device = device;
        this.store = store;
    }

    /**
     * Embeds with a version, rotated by {@code rotation} or, when that is null, not at all; the
     * rotation is part of the model's forward pass ({@link InferenceModel#mapOutputs}).
     */
    Embedded embed(long version, OrthogonalProcrustes rotation, float[][] features) {
        InferenceModel encoder = modelOf(version);
        if (rotation != modelRotation) {
            encoder.mapOutputs(rotation == null ? null : rotation.rotation());
            modelRotation = rotation;
        }
        return new Embedded(encoder.embed(features), encoder.step());
    }

    /** Embeds with a version in the space it is served in: rotated by its stored alignment. */
    Embedded embedServed(long version, float[][] features) {
        return embed(version, storedAlignment(version), features);
    }

    /** The alignment published for a version, or null for none; decoded once per version. */
    OrthogonalProcrustes storedAlignment(long version) {
        byte[] bytes = store.get(VersionedModelKeys.alignment(modelName, version));
        if (bytes == null) {
            return null;
        }
        if (alignmentVersion != version || !Arrays.equals(alignmentBytes, bytes)) {
            alignment = OrthogonalProcrustes.fromBytes(bytes);
            alignmentBytes = bytes;
            alignmentVersion = version;
        }
        return alignment;
    }

    /**
     * The rotation of {@code version}'s raw embeddings onto {@code onto}'s served space, fitted on
     * the reference items that both embed as finite (a non-finite row would fail the fit, and the
     * backfill with it at every restart).
     *
     * @return the rotation, or null when fewer than two reference items are left to fit it on
     */
    OrthogonalProcrustes fitAlignment(long version, long onto, float[][] reference) {
        if (reference.length < 2) {
            return null; // no items yet, or one: nothing to fit, the version is not rotated
        }
        float[][] target = embedServed(onto, reference).embeddings();
        float[][] source = embed(version, null, reference).embeddings();
        List<float[]> fitSource = new ArrayList<>(source.length);
        List<float[]> fitTarget = new ArrayList<>(target.length);
        for (int i = 0; i < source.length; i++) {
            if (Finite.all(source[i]) && Finite.all(target[i])) {
                fitSource.add(source[i]);
                fitTarget.add(target[i]);
            }
        }
        if (fitSource.size() < 2) {
            return null;
        }
        return OrthogonalProcrustes.fit(
                fitSource.toArray(float[][]::new), fitTarget.toArray(float[][]::new));
    }

    /** Whether the global store holds the checkpoint of {@code version}. */
    boolean holds(long version) {
        return store.get(VersionedModelKeys.versionModel(modelName, version)) != null;
    }

    private InferenceModel modelOf(long version) {
        if (model != null && modelVersion == version) {
            return model;
        }
        byte[] checkpoint = store.get(VersionedModelKeys.versionModel(modelName, version));
        if (checkpoint == null) {
            throw new IllegalStateException(
                    "Model version "
                            + version
                            + " of "
                            + modelName
                            + " is not in the global store");
        }
        InferenceModel next = InferenceModel.create(weights.weightsOf(checkpoint), device);
        close();
        model = next;
        modelVersion = version;
        modelRotation = null;
        return model;
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
