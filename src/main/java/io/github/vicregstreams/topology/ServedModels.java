package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.InferenceModel;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import io.github.vicregstreams.vicreg.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models an inference task embeds with, looked up in the global {@code latest-model} store
 * before each forward pass.
 *
 * <ul>
 *   <li>Versions off: the latest checkpoint (or, before the first, the initial weights of the seed,
 *       which the trainer starts from), embeddings without a version.
 *   <li>Versions on: the served version and, while a newer one is being backfilled, that one too
 *       (with {@code model.version.align=procrustes}, once its alignment is published, so that no
 *       embedding of it is ever unaligned), each embedding stamped with its version. Before the
 *       first version: the initial weights, without a version.
 * </ul>
 *
 * A changed checkpoint is noticed by its fingerprint (length + CRC) and a new model is built from
 * the weights the global thread already decoded (milliseconds); the old one is closed. One instance
 * per task, used on its stream thread only.
 */
final class ServedModels implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServedModels.class);

    /** The cache key of the initial weights; no store key is empty. */
    private static final String INITIAL = "";

    /**
     * One model to embed with, and its version (null for none); a version's alignment is applied by
     * the model itself, in its forward pass ({@link InferenceModel#mapOutputs}).
     */
    record Served(InferenceModel model, Long version) {
        /** Embeds a batch, in the version's aligned space when it has one. */
        float[][] embed(float[][] features) {
            return model.embed(features);
        }
    }

    private record Loaded(long fingerprint, InferenceModel model) {}

    private final String modelName;
    private final ModelWeightsCache weights;
    private final DeviceChoice device;
    private final VersionSettings versions;
    private final KeyValueStore<String, byte[]> store;
    private final Map<String, Loaded> loaded = new HashMap<>();
    private final Map<String, Long> refused = new HashMap<>();
    private final Map<InferenceModel, byte[]> rotations = new IdentityHashMap<>();

    ServedModels(
            String modelName,
            ModelWeightsCache weights,
            DeviceChoice device,
            VersionSettings versions,
            KeyValueStore<String, byte[]> store) {
        this.modelName = modelName;
        this.weights = weights;
        this.device = device;
        this.versions = versions;
        this.store = store;
    }

    /** The models to embed the next batch with: at least one. */
    List<Served> current() {
        List<Served> served = new ArrayList<>(2);
        if (!versions.enabled()) {
            served.add(new Served(latestCheckpoint(), null));
            return served;
        }
        ModelVersions summary =
                ModelVersions.decode(store.get(VersionedModelKeys.summary(modelName)));
        if (summary.serving() > 0) {
            addVersion(served, summary.serving(), false);
        }
        if (summary.latest() > summary.serving()) {
            addVersion(served, summary.latest(), versions.align() && summary.serving() > 0);
        }
        if (served.isEmpty()) {
            served.add(new Served(initial(), null));
        }
        retireAllBut(served);
        return served;
    }

    private void addVersion(List<Served> served, long version, boolean needsAlignment) {
        String key = VersionedModelKeys.versionModel(modelName, version);
        byte[] checkpoint = store.get(key);
        byte[] alignment = store.get(VersionedModelKeys.alignment(modelName, version));
        if (checkpoint == null || (needsAlignment && alignment == null)) {
            return; // not read back yet, or its backfill has not published its alignment
        }
        InferenceModel model = load(key, checkpoint);
        if (model != null) {
            align(model, alignment);
            served.add(new Served(model, version));
        }
    }

    /**
     * Gives a version's model its rotation (null for none), unless it has it already: decoding and
     * staging 1 MiB (d = 512) happens once per rotation, not per forward pass.
     */
    private void align(InferenceModel model, byte[] rotation) {
        byte[] applied = rotations.get(model);
        if (applied == rotation || (applied != null && Arrays.equals(applied, rotation))) {
            return;
        }
        model.mapOutputs(
                rotation == null ? null : OrthogonalProcrustes.fromBytes(rotation).rotation());
        rotations.put(model, rotation);
    }

    /** The latest checkpoint's model, or the initial weights' before there is one. */
    private InferenceModel latestCheckpoint() {
        byte[] checkpoint = store.get(modelName);
        // No checkpoint (none yet, or a tombstone), or the first one cannot be used: the seed's.
        InferenceModel model = checkpoint == null ? null : load(modelName, checkpoint);
        if (model == null) {
            model = initial();
        }
        retireAllBut(model);
        return model;
    }

    /** The model of a stored checkpoint, built anew when it changed; null if it cannot be used. */
    private InferenceModel load(String key, byte[] checkpoint) {
        long fingerprint = ModelWeights.fingerprint(checkpoint);
        Loaded current = loaded.get(key);
        if (current != null && current.fingerprint() == fingerprint) {
            return current.model();
        }
        Long refusedFingerprint = refused.get(key);
        if (refusedFingerprint != null && refusedFingerprint == fingerprint) {
            return current == null ? null : current.model();
        }
        try {
            InferenceModel model = InferenceModel.create(weights.weightsOf(checkpoint), device);
            replace(key, new Loaded(fingerprint, model));
            log.info("Inference model in use: key=[{}] step=[{}]", key, model.step());
            return model;
        } catch (InvalidCheckpointException e) {
            // The global processor stores valid checkpoints only; this guards against anything
            // else.
            log.warn(
                    "Cannot use the stored checkpoint; inference keeps its model: key=[{}] reason=[{}]",
                    key,
                    e.getMessage());
            refused.put(key, fingerprint);
            return current == null ? null : current.model();
        }
    }

    private InferenceModel initial() {
        Loaded current = loaded.get(INITIAL);
        if (current == null) {
            current = new Loaded(0, InferenceModel.create(weights.initial(), device));
            loaded.put(INITIAL, current);
            log.info("Inference model in use: the initial weights of the seed, step=[0]");
        }
        return current.model();
    }

    private void replace(String key, Loaded next) {
        Loaded previous = loaded.put(key, next);
        if (previous != null) {
            previous.model().close();
        }
    }

    private void retireAllBut(InferenceModel keep) {
        loaded.entrySet()
                .removeIf(
                        entry -> {
                            boolean retire = entry.getValue().model() != keep;
                            if (retire) {
                                entry.getValue().model().close();
                            }
                            return retire;
                        });
    }

    private void retireAllBut(List<Served> keep) {
        rotations.keySet().removeIf(m -> keep.stream().noneMatch(s -> s.model() == m));
        loaded.entrySet()
                .removeIf(
                        entry -> {
                            boolean retire =
                                    keep.stream()
                                            .noneMatch(s -> s.model() == entry.getValue().model());
                            if (retire) {
                                entry.getValue().model().close();
                            }
                            return retire;
                        });
    }

    @Override
    public void close() {
        for (Loaded entry : loaded.values()) {
            entry.model().close();
        }
        loaded.clear();
    }
}
