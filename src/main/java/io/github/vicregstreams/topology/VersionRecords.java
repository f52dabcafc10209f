package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global processor's handling of model-version records ({@link VersionedModelKeys}): it keeps
 * each version's checkpoint, alignment and the served version's number in the global store, and the
 * {@link ModelVersions} summary beside them. A version's checkpoint is checked exactly as the
 * model's own (checksum, spec, signature) before it is stored, and an alignment must rotate the
 * model's representation width; a bad record is refused and the store keeps what it had. So is a
 * tombstone of a version in use (the served one, or the one being backfilled): inference and the
 * backfill embed with it.
 */
final class VersionRecords {

    private static final Logger log = LoggerFactory.getLogger(VersionRecords.class);

    private final String modelName;
    private final ModelWeightsCache weights;
    private final CheckpointSignature signature;
    private final Consumer<String> refuse;
    private final Map<Long, CheckpointChunks.Assembler> assemblers = new HashMap<>();
    private final Map<Long, CheckpointChunks.Assembler> alignmentAssemblers = new HashMap<>();
    private KeyValueStore<String, byte[]> store;

    VersionRecords(
            String modelName,
            ModelWeightsCache weights,
            CheckpointSignature signature,
            Consumer<String> refuse) {
        this.modelName = modelName;
        this.weights = weights;
        this.signature = signature;
        this.refuse = refuse;
    }

    void init(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /**
     * Handles a record if it is a version's.
     *
     * @return false when the key is not a version record of this model
     */
    boolean accept(Record<String, byte[]> record) {
        String key = record.key();
        if (VersionedModelKeys.serving(modelName).equals(key)) {
            acceptServing(record.value());
            return true;
        }
        long version = VersionedModelKeys.versionOf(modelName, key);
        if (version < 0) {
            return false;
        }
        if (VersionedModelKeys.isAlignment(modelName, key)) {
            acceptAlignment(version, key, record);
            return true;
        }
        String versionModel = VersionedModelKeys.versionModel(modelName, version);
        if (!CheckpointChunks.belongsTo(versionModel, key)) {
            return false;
        }
        if (record.value() == null) {
            if (key.equals(versionModel) && mayRetire(version)) {
                store.delete(versionModel);
                assemblers.remove(version);
                log.info("Model version retired: model=[{}] version=[{}]", modelName, version);
            }
            return true;
        }
        CheckpointChunks.Assembler.Outcome outcome =
                assemblers
                        .computeIfAbsent(version, v -> new CheckpointChunks.Assembler(versionModel))
                        .accept(key, record.value(), record.headers());
        if (outcome instanceof CheckpointChunks.Assembler.Refused refused) {
            refuse.accept(refused.reason());
        } else if (outcome instanceof CheckpointChunks.Assembler.Complete complete) {
            storeVersion(version, complete.checkpoint(), complete.headers(), record.timestamp());
        }
        return true;
    }

    private void storeVersion(long version, byte[] checkpoint, Headers headers, long timestamp) {
        String unsigned = signature.refusal(checkpoint, headers);
        if (unsigned != null) {
            refuse.accept(unsigned);
            return;
        }
        long step;
        try {
            // The checkpoint's own step, not its step header: a record copied by a tool that drops
            // headers, or with a header of another value, is still a valid checkpoint, and a
            // header that cannot be parsed here stopped the global thread at every start.
            step = weights.verify(checkpoint).step();
        } catch (InvalidCheckpointException e) {
            refuse.accept(e.getMessage());
            return;
        }
        store.put(VersionedModelKeys.versionModel(modelName, version), checkpoint);
        ModelVersions summary = summary();
        if (version >= summary.latest()) {
            Header id = headers.lastHeader(CheckpointChunks.ID);
            putSummary(
                    summary.withLatest(
                            version,
                            step,
                            id == null ? "" : new String(id.value(), StandardCharsets.US_ASCII),
                            timestamp));
        }
        log.info(
                "Model version stored: model=[{}] version=[{}] step=[{}]",
                modelName,
                version,
                step);
    }

    /**
     * Whether a version's records may be deleted: not while inference or the backfill embeds with
     * it (the served version, and a newer one being backfilled). The backfill retires a version
     * only after it published the next one as served, so its own tombstones always pass.
     */
    private boolean mayRetire(long version) {
        ModelVersions summary = summary();
        boolean inUse =
                version == summary.serving()
                        || (summary.backfilling() && version == summary.latest());
        if (inUse) {
            refuse.accept(
                    "a tombstone for model version "
                            + version
                            + ", which is "
                            + (version == summary.serving() ? "served" : "being backfilled")
                            + ": a version is retired when the next one's backfill completes");
        }
        return !inUse;
    }

    private void acceptAlignment(long version, String key, Record<String, byte[]> record) {
        String alignment = VersionedModelKeys.alignment(modelName, version);
        if (record.value() == null) {
            if (key.equals(alignment) && mayRetire(version)) {
                store.delete(alignment);
                alignmentAssemblers.remove(version);
            }
            return;
        }
        CheckpointChunks.Assembler.Outcome outcome =
                alignmentAssemblers
                        .computeIfAbsent(version, v -> new CheckpointChunks.Assembler(alignment))
                        .accept(key, record.value(), record.headers());
        if (outcome instanceof CheckpointChunks.Assembler.Refused refused) {
            refuse.accept(refused.reason());
        } else if (outcome instanceof CheckpointChunks.Assembler.Complete complete) {
            int dimension;
            try {
                dimension = OrthogonalProcrustes.fromBytes(complete.checkpoint()).dimension();
            } catch (IllegalArgumentException e) {
                refuse.accept("not an alignment: " + e.getMessage());
                return;
            }
            // A rotation of another width would fail every forward pass that applies it.
            if (dimension != weights.representationDim()) {
                refuse.accept(
                        "an alignment must rotate the model's representations of width "
                                + weights.representationDim()
                                + ". Got width: "
                                + dimension);
                return;
            }
            store.put(alignment, complete.checkpoint());
        }
    }

    private void acceptServing(byte[] value) {
        if (value == null) {
            putSummary(summary().withServing(0));
            return;
        }
        String text = new String(value, StandardCharsets.US_ASCII);
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            refuse.accept("the served version must be a decimal number. Got: " + text);
            return;
        }
        long version = Long.parseLong(text);
        putSummary(summary().withServing(version));
        log.info("Model version served: model=[{}] version=[{}]", modelName, version);
    }

    private ModelVersions summary() {
        return ModelVersions.decode(store.get(VersionedModelKeys.summary(modelName)));
    }

    private void putSummary(ModelVersions summary) {
        store.put(VersionedModelKeys.summary(modelName), summary.encode());
    }
}
