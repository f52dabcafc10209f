package io.github.vicregstreams.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * In-memory stores without a changelog, for processors under a {@code MockProcessorContext}: a test
 * that keeps one across two processor instances sees what a restarted task would restore.
 */
final class TestStores {

    private TestStores() {}

    /** A new, not yet initialised in-memory key-value store named {@code name}. */
    static <K, V> KeyValueStore<K, V> inMemory(String name, Serde<K> keys, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled()
                .build();
    }
}
