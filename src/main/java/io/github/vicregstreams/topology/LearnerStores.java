package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.DeadLetter;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The learner's state stores, as {@link LearnerTopology} adds them: kind, serdes and changelog. */
final class LearnerStores {

    /**
     * Changelog record size for stores that hold a whole input record (up to 1 MiB by default): the
     * bound of a dead letter, which carries a whole input record too.
     */
    static final int WHOLE_RECORD_MAX_BYTES = DeadLetter.MAX_RECORD_BYTES;

    private LearnerStores() {}

    static StoreBuilder<?> pendingViewsStore() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(LearnerTopology.PENDING_VIEWS_STORE),
                        Serdes.String(),
                        Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(
                        Map.of("max.message.bytes", String.valueOf(WHOLE_RECORD_MAX_BYTES)));
    }

    /**
     * In memory: a lookup per batch must not copy a checkpoint of many MB out of RocksDB. Global
     * stores have no changelog: the model topic is their source.
     */
    static StoreBuilder<?> latestModelStore() {
        return Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LearnerTopology.LATEST_MODEL_STORE),
                        Serdes.String(),
                        Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingDisabled();
    }

    /**
     * In memory: it holds one {@link BatchStart} per task (and, from a store of the release before,
     * copies of the samples of one batch), and is rebuilt from its changelog. Values are bytes: the
     * processor tells the two kinds apart by key and version byte.
     */
    static StoreBuilder<?> inferenceBufferStore() {
        return Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LearnerTopology.INFERENCE_BUFFER_STORE),
                        Serdes.Long(),
                        Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(
                        Map.of("max.message.bytes", String.valueOf(WHOLE_RECORD_MAX_BYTES)));
    }

    /** The items, by id: every one is embedded again with each model version. */
    static StoreBuilder<?> itemsStore() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(VersionTopology.ITEMS_STORE),
                        Serdes.String(),
                        PendingSample.serde())
                .withCachingDisabled()
                .withLoggingEnabled(
                        Map.of("max.message.bytes", String.valueOf(WHOLE_RECORD_MAX_BYTES)));
    }

    /** Where the backfill stands: one small record. */
    static StoreBuilder<?> backfillStateStore() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(VersionTopology.BACKFILL_STATE_STORE),
                        Serdes.String(),
                        Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(Map.of());
    }

    /**
     * The changelog holds a checkpoint of many MB at every checkpoint ({@link StoredCheckpoint}'s
     * chunks, each within Kafka's default message size), and a restore (a failover, a lost state
     * directory) reads all of it that compaction has not removed. Compaction never touches the
     * active segment, and with the broker's 1 GiB segments the changelog grew to 938 MB in one
     * segment after 119 steps; segments of the model topic's size keep a restore to a few
     * checkpoints.
     */
    static StoreBuilder<?> trainerStateStore() {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(LearnerTopology.TRAINER_STATE_STORE),
                        Serdes.String(),
                        Serdes.ByteArray())
                .withCachingDisabled()
                .withLoggingEnabled(
                        Map.of(
                                TopicConfig.SEGMENT_BYTES_CONFIG,
                                String.valueOf(TopicSetup.MODEL_SEGMENT_BYTES)));
    }
}
