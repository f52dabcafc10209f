package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.CheckpointSignature;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import io.github.vicregstreams.vicreg.ModelWeights;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the latest checkpoint of the configured model in the global {@code latest-model} store,
 * which every instance holds in full: the inference tasks of all partitions read it.
 *
 * <p>Runs on the global thread, for new records and again for every record when the store is
 * rebuilt at start-up. Checkpoints arrive as chunks and a manifest ({@link CheckpointChunks}); the
 * processor reassembles them and stores the whole checkpoint only when it is a valid checkpoint of
 * the configured model spec (and, with {@code checkpoint.signing.key}, signed), so a bad record
 * never replaces a good model; records of other model names are skipped, and a tombstone removes
 * the model (inference goes back to the initial weights). Model versions' records are kept too
 * ({@link VersionRecords}). Global processors cannot forward, so a refused record is logged and
 * counted ({@value #REFUSED_METRIC}), not dead-lettered. Every size a record declares is checked
 * before anything is allocated for it, so no record, however forged, can stop the global thread.
 * The last record wins: a trainer started afresh may publish a lower step than the one stored.
 */
final class StoreCheckpointProcessor extends ContextualProcessor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(StoreCheckpointProcessor.class);

    /** Model-topic records refused as checkpoints, in group {@code vicreg}. */
    static final String REFUSED_METRIC = "vicreg-refused-checkpoints-total";

    private final String modelName;
    private final String storeName;
    private final ModelWeightsCache weights;
    private final CheckpointSignature signature;
    private final CheckpointChunks.Assembler chunks;
    private final VersionRecords versions;
    private KeyValueStore<String, byte[]> store;
    private Sensor refused;

    /**
     * @param modelName the model whose checkpoints it keeps
     * @param storeName the global store it keeps them in
     * @param weights decodes a checkpoint once, for the inference tasks
     * @param signature checks a checkpoint's signature (or checks nothing)
     */
    StoreCheckpointProcessor(
            String modelName,
            String storeName,
            ModelWeightsCache weights,
            CheckpointSignature signature) {
        this.modelName = modelName;
        this.storeName = storeName;
        this.weights = weights;
        this.signature = signature;
        this.chunks = new CheckpointChunks.Assembler(modelName);
        this.versions = new VersionRecords(modelName, weights, signature, this::refuse);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        super.init(context);
        store = context.getStateStore(storeName);
        versions.init(store);
        refused =
                context.metrics()
                        .addSensor("vicreg.refused-checkpoints", Sensor.RecordingLevel.INFO);
        refused.add(
                new MetricName(
                        REFUSED_METRIC,
                        DeadLetterCounter.METRIC_GROUP,
                        "Model-topic records refused as checkpoints (corrupt, forged or of another spec)",
                        Map.of("model", modelName)),
                new CumulativeCount());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (versions.accept(record)) {
            return;
        }
        if (!CheckpointChunks.belongsTo(modelName, record.key())) {
            log.debug(
                    "Skipped a checkpoint of another model: key=[{}] model.name=[{}]",
                    record.key(),
                    modelName);
            return;
        }
        if (record.value() == null) {
            if (record.key().equals(modelName)) {
                store.delete(modelName);
                log.info(
                        "The model's checkpoint was deleted; inference uses the initial weights: model=[{}]",
                        modelName);
            }
            return;
        }
        CheckpointChunks.Assembler.Outcome outcome =
                chunks.accept(record.key(), record.value(), record.headers());
        if (outcome instanceof CheckpointChunks.Assembler.Refused refusedRecord) {
            refuse(refusedRecord.reason());
        } else if (outcome instanceof CheckpointChunks.Assembler.Complete complete) {
            store(complete.checkpoint(), complete.headers());
        }
    }

    private void store(byte[] checkpoint, Headers headers) {
        String unsigned = signature.refusal(checkpoint, headers);
        if (unsigned != null) {
            refuse(unsigned);
            return;
        }
        try {
            ModelWeights decoded = weights.verify(checkpoint);
            store.put(modelName, checkpoint);
            log.info(
                    "Latest checkpoint for inference: model=[{}] step=[{}] bytes=[{}]",
                    modelName,
                    decoded.step(),
                    checkpoint.length);
        } catch (InvalidCheckpointException e) {
            refuse(e.getMessage());
        }
    }

    private void refuse(String reason) {
        refused.record();
        RecordMetadata source = context().recordMetadata().orElse(null);
        log.warn(
                "Refused a model-topic record; inference keeps its current model: model=[{}] reason=[{}]"
                        + " topic=[{}] partition=[{}] offset=[{}]",
                modelName,
                reason,
                source == null ? null : source.topic(),
                source == null ? -1 : source.partition(),
                source == null ? -1 : source.offset());
    }

    @Override
    public void close() {
        if (refused != null) {
            context().metrics().removeSensor(refused);
        }
    }
}
