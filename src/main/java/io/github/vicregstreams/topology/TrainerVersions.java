package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.events.ModelVersionEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes published checkpoints to model versions ({@code model.version.interval.*}): at a
 * checkpoint that is due, the trainer publishes it again as version N+1 ({@link
 * VersionedModelKeys#versionModel}), in the same transaction as the checkpoint, and a {@code
 * promoted} event on the model-versions topic. It never promotes while the previous version's
 * backfill is running: inference then serves at most two versions, and every version a consumer
 * sees becomes whole.
 *
 * <p>What was promoted is read from the global store's {@link ModelVersions} summary (the model
 * topic is the record of versions), and from the trainer's own changelogged state, where each
 * promotion is saved in its transaction: a trainer moved to an instance whose global thread has not
 * read the last promotion yet must not promote the same number again.
 */
final class TrainerVersions {

    private static final Logger log = LoggerFactory.getLogger(TrainerVersions.class);

    private final ProcessorContext<Object, Object> context;
    private final TrainerSettings settings;
    private final TrainerNodes nodes;

    /** The key of the last promotion in the trainer-state store. */
    static final String PROMOTED_KEY = "promoted-version";

    private final KeyValueStore<String, byte[]> globalStore;
    private final KeyValueStore<String, byte[]> state;
    private final long startedMs;
    private ModelVersions promotedHere;

    /**
     * @param state the trainer's changelogged store, where each promotion is saved
     */
    TrainerVersions(
            ProcessorContext<Object, Object> context,
            TrainerSettings settings,
            TrainerNodes nodes,
            KeyValueStore<String, byte[]> state) {
        this.context = context;
        this.settings = settings;
        this.nodes = nodes;
        this.globalStore = context.getStateStore(nodes.latestModelStore());
        this.state = state;
        this.startedMs = context.currentSystemTimeMs();
        this.promotedHere = ModelVersions.decode(state.get(PROMOTED_KEY));
    }

    /**
     * Promotes a checkpoint just published, if a version is due.
     *
     * @param checkpoint the checkpoint
     * @param headers its manifest's headers (step, spec, signature)
     */
    void promoteIfDue(byte[] checkpoint, Headers headers) {
        VersionSettings versions = settings.versions();
        if (!versions.enabled()) {
            return;
        }
        ModelVersions known = known();
        if (known.backfilling()) {
            return;
        }
        long step = CheckpointHeaders.step(headers);
        long now = context.currentSystemTimeMs();
        long sinceMs = now - (known.latest() == 0 ? startedMs : known.latestPublishedMs());
        if (step <= known.latestStep() || !versions.due(step - known.latestStep(), sinceMs)) {
            return;
        }
        long version = known.latest() + 1;
        String versionModel = VersionedModelKeys.versionModel(settings.modelName(), version);
        List<CheckpointChunks.Part> parts =
                CheckpointChunks.split(versionModel, checkpoint, headers);
        for (CheckpointChunks.Part part : parts) {
            context.forward(
                    new Record<Object, Object>(part.key(), part.value(), now, part.headers()),
                    nodes.modelSink());
        }
        Header id = parts.get(parts.size() - 1).headers().lastHeader(CheckpointChunks.ID);
        String checkpointId = new String(id.value(), StandardCharsets.US_ASCII);
        ModelVersionEvent promoted =
                ModelVersionEvent.promoted(settings.modelName(), version, step, checkpointId, now);
        context.forward(
                new Record<Object, Object>(promoted.key(), promoted, now), nodes.versionsSink());
        promotedHere = known.withLatest(version, step, checkpointId, now);
        state.put(PROMOTED_KEY, promotedHere.encode());
        log.info(
                "Model version promoted: model=[{}] version=[{}] step=[{}]",
                settings.modelName(),
                version,
                step);
    }

    /**
     * The versions as the global store has them, or as this trainer (or the one before it, from its
     * state) promoted them since.
     */
    private ModelVersions known() {
        ModelVersions stored =
                ModelVersions.decode(
                        globalStore.get(VersionedModelKeys.summary(settings.modelName())));
        return promotedHere.latest() > stored.latest()
                ? promotedHere.withServing(stored.serving())
                : stored;
    }
}
