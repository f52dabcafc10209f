package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.ModelVersionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the backfill writes besides embeddings, all in its task's transaction: a version's alignment
 * before its first embedding, and at the end the {@code complete} event, the served version's
 * number and tombstones for the version it replaces ({@link VersionedModelKeys}).
 */
final class BackfillAnnouncer {

    private final ProcessorContext<Object, Object> context;
    private final String modelName;
    private final BackfillProcessor.Nodes nodes;
    private final KeyValueStore<String, byte[]> latestModel;

    BackfillAnnouncer(
            ProcessorContext<Object, Object> context,
            String modelName,
            BackfillProcessor.Nodes nodes,
            KeyValueStore<String, byte[]> latestModel) {
        this.context = context;
        this.modelName = modelName;
        this.nodes = nodes;
        this.latestModel = latestModel;
    }

    /**
     * Publishes a rotation before any embedding of its version (inference waits for it, so none is
     * unaligned), in chunks as a checkpoint: d x d floats take 1 MiB at d = 512, more than a Kafka
     * record may by default.
     */
    void alignment(long version, OrthogonalProcrustes rotation) {
        long now = context.currentSystemTimeMs();
        for (CheckpointChunks.Part part :
                CheckpointChunks.split(
                        VersionedModelKeys.alignment(modelName, version),
                        rotation.toBytes(),
                        new RecordHeaders())) {
            context.forward(
                    new Record<Object, Object>(part.key(), part.value(), now, part.headers()),
                    nodes.modelSink());
        }
    }

    /**
     * The version is whole: announce it, serve it, retire the one it replaces.
     *
     * @param state the backfill that just ended
     */
    void complete(BackfillState state) {
        long version = state.running();
        long now = context.currentSystemTimeMs();
        ModelVersionEvent complete =
                ModelVersionEvent.complete(
                        modelName, version, state.step(), state.checkpointId(), state.items(), now);
        context.forward(
                new Record<Object, Object>(complete.key(), complete, now), nodes.versionsSink());
        context.forward(
                new Record<Object, Object>(
                        VersionedModelKeys.serving(modelName),
                        Long.toString(version).getBytes(StandardCharsets.US_ASCII),
                        now),
                nodes.modelSink());
        if (state.done() > 0) {
            retire(state.done(), now);
        }
    }

    /** Tombstones for a version's checkpoint and alignment: compaction then removes them. */
    private void retire(long version, long now) {
        List<String> keys = new ArrayList<>();
        for (String name :
                List.of(
                        VersionedModelKeys.versionModel(modelName, version),
                        VersionedModelKeys.alignment(modelName, version))) {
            byte[] stored = latestModel.get(name);
            if (stored != null) {
                keys.addAll(CheckpointChunks.partKeys(name, stored.length));
            }
        }
        for (String key : keys) {
            context.forward(new Record<Object, Object>(key, null, now), nodes.modelSink());
        }
    }
}
