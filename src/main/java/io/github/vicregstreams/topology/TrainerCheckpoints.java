package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointHeaders;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's checkpoints: where a trainer starts from (its store, else the model topic's latest,
 * else a new model), saving one to the trainer-state store, and publishing one to the model topic.
 */
final class TrainerCheckpoints {

    private static final Logger log = LoggerFactory.getLogger(TrainerCheckpoints.class);

    private final ProcessorContext<Object, Object> context;
    private final TrainerSettings settings;
    private final TrainerNodes nodes;
    private final KeyValueStore<String, byte[]> state;

    TrainerCheckpoints(
            ProcessorContext<Object, Object> context,
            TrainerSettings settings,
            TrainerNodes nodes,
            KeyValueStore<String, byte[]> state) {
        this.context = context;
        this.settings = settings;
        this.nodes = nodes;
        this.state = state;
    }

    /** The trainer of the stored checkpoint, else of the model topic's latest, else a new one. */
    VicregTrainer restoreOrCreate() {
        byte[] checkpoint = StoredCheckpoint.get(state);
        TrainerConfig wanted = settings.trainerConfig();
        String from = "its checkpoint";
        if (checkpoint == null) {
            // An empty store (a new state directory and changelog, as after an application reset)
            // must not throw the model away: the global store holds the latest checkpoint of the
            // model topic that passed every check.
            KeyValueStore<String, byte[]> published =
                    context.getStateStore(nodes.latestModelStore());
            checkpoint = published.get(settings.modelName());
            from = "the model topic";
        }
        if (checkpoint == null) {
            log.info("No checkpoint in the store: starting a new model, seed=[{}]", wanted.seed());
            return VicregTrainer.create(wanted, settings.device());
        }
        VicregTrainer restored;
        try {
            restored = VicregTrainer.restore(checkpoint, wanted.spec(), settings.device());
        } catch (InvalidCheckpointException e) {
            // Only the store's own checkpoint can fail here: the global store holds checkpoints
            // of the configured spec only. Its model is not thrown away for a changed setting.
            throw new IllegalStateException(
                    "The trainer state of application.id "
                            + context.applicationId()
                            + " holds a model the configuration cannot continue ("
                            + e.getMessage()
                            + "). To go on training it, configure its model spec again; to train a"
                            + " new model, give it its own application.id (or reset this one).",
                    e);
        }
        if (!restored.config().equals(wanted)) {
            log.warn(
                    "The checkpoint was trained with other settings; training continues with the"
                            + " checkpoint's: checkpoint=[{}] configured=[{}]",
                    restored.config(),
                    wanted);
        }
        log.info("Restored the model from {}: step=[{}]", from, restored.step());
        return restored;
    }

    /**
     * Saves the trainer to its store.
     *
     * @return the checkpoint saved
     */
    byte[] save(VicregTrainer trainer) {
        byte[] checkpoint = trainer.checkpoint();
        StoredCheckpoint.put(state, checkpoint);
        return checkpoint;
    }

    /** The checkpoint in the store. */
    byte[] stored() {
        return StoredCheckpoint.get(state);
    }

    /**
     * Publishes a checkpoint, stamped with the wall-clock time it is published at: its age on the
     * model topic (and in the monitor) is then how long ago the model was saved, not how old the
     * pairs it last trained were, which for a backlog can be days.
     *
     * @return the manifest's headers
     */
    Headers publish(byte[] checkpoint, long step, String spec) {
        long timestamp = context.currentSystemTimeMs();
        Headers headers = CheckpointHeaders.of(step, spec);
        settings.signature().sign(checkpoint, headers);
        // Chunks, then their manifest, in this task's transaction: readers see all or none.
        for (CheckpointChunks.Part part :
                CheckpointChunks.split(settings.modelName(), checkpoint, headers)) {
            context.forward(
                    new Record<Object, Object>(part.key(), part.value(), timestamp, part.headers()),
                    nodes.modelSink());
        }
        return headers;
    }
}
