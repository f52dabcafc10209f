package io.github.vicregstreams.index;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.ModelVersionEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one record does to the index: an embedding of a model version is upserted, a complete event
 * of the model is taken in, and everything else is skipped and counted by {@link SkipReason}; bad
 * records are logged with their topic, partition and offset. Never throws on a record's content.
 */
final class RecordIndexer {

    private static final Logger log = LoggerFactory.getLogger(RecordIndexer.class);

    private final EmbeddingIndex index;
    private final String modelName;
    private final IndexProgress progress;
    private final Deserializer<EmbeddingEvent> embeddings =
            EventSerdes.embeddingEvents().deserializer();
    private final Deserializer<ModelVersionEvent> versionEvents =
            EventSerdes.modelVersionEvents().deserializer();

    RecordIndexer(EmbeddingIndex index, String modelName, IndexProgress progress) {
        this.index = index;
        this.modelName = modelName;
        this.progress = progress;
    }

    /** Indexes one record of the embeddings topic, or counts why not. */
    void embedding(ConsumerRecord<byte[], byte[]> record) {
        progress.countRecord();
        if (record.value() == null) {
            skip(record, SkipReason.EMPTY_VALUE, "no value");
            return;
        }
        EmbeddingEvent event;
        try {
            event = embeddings.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            skip(record, SkipReason.UNPARSABLE, e.getMessage());
            return;
        }
        Long version = event.modelVersion();
        if (version == null) {
            skip(record, SkipReason.NOT_A_VERSION, null);
            return;
        }
        if (!index.accepts(version)) {
            skip(record, SkipReason.RETIRED_VERSION, null);
            return;
        }
        String metadata = event.metadata() == null ? null : event.metadata().json();
        SkipReason rejected = index.upsert(version, event.id(), event.embedding(), metadata);
        if (rejected != null) {
            skip(
                    record,
                    rejected,
                    "id "
                            + event.id()
                            + ", version "
                            + version
                            + ", "
                            + event.dimension()
                            + " values");
            return;
        }
        progress.countIndexed();
    }

    /** Takes in one record of the model-versions topic, or counts why not. */
    void versionEvent(ConsumerRecord<byte[], byte[]> record) {
        progress.countRecord();
        if (record.value() == null) {
            skip(record, SkipReason.EMPTY_VALUE, "no value");
            return;
        }
        ModelVersionEvent event;
        try {
            event = versionEvents.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            skip(record, SkipReason.UNPARSABLE, e.getMessage());
            return;
        }
        if (!event.modelName().equals(modelName)) {
            skip(record, SkipReason.OTHER_MODEL, null);
            return;
        }
        if (event.type() == ModelVersionEvent.Type.COMPLETE) {
            log.info(
                    "Model version complete: version=[{}] items=[{}]",
                    event.version(),
                    event.items());
            index.complete(event.version(), event.items());
        }
    }

    private void skip(ConsumerRecord<?, ?> record, SkipReason reason, String detail) {
        progress.countSkipped(reason);
        if (reason.bad()) {
            log.warn(
                    "Skipping a record: reason=[{}] topic=[{}] partition=[{}] offset=[{}] detail=[{}]",
                    reason.code(),
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    detail);
        }
    }
}
