package io.github.vicregstreams.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.ModelVersionEvent;
import io.github.vicregstreams.kafka.EmbeddedBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link IndexConsumer} on a real (embedded) broker: versions, bad records, restarts. */
class IndexConsumerTest {

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    private static final String MODEL = "vicreg";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path dir;

    private String embeddings;
    private String versions;

    @BeforeEach
    void createTopics() {
        String suffix = UUID.randomUUID().toString();
        embeddings = "embeddings-" + suffix;
        versions = "model-versions-" + suffix;
        broker.get().createTopic(embeddings, 2, Map.of(), Duration.ofSeconds(30));
        broker.get().createTopic(versions, 1, Map.of(), Duration.ofSeconds(30));
    }

    private IndexConsumer.Settings settings(Duration commitInterval, int commitRecords) {
        return new IndexConsumer.Settings(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.get().bootstrapServers()),
                embeddings,
                versions,
                MODEL,
                commitInterval,
                commitRecords);
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.get().bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private void send(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    private static byte[] embedding(String id, Long version, float... vector) {
        EmbeddingEvent event =
                new EmbeddingEvent(
                        id,
                        vector,
                        7,
                        version == null
                                ? EmbeddingEvent.Source.TRAINING
                                : EmbeddingEvent.Source.INFERENCE,
                        1_000,
                        Metadata.of(Map.of("label", 1)),
                        version);
        return EventSerdes.embeddingEvents().serializer().serialize("t", event);
    }

    /** Items 0 to n - 1 of {@code version}, each on its own direction. */
    private void sendItems(long version, int from, int to) {
        try (KafkaProducer<String, byte[]> producer = producer(Map.of())) {
            for (int i = from; i < to; i++) {
                producer.send(
                        new ProducerRecord<>(
                                embeddings,
                                "item-" + i,
                                embedding("item-" + i, version, 1, i, version)));
            }
        }
    }

    private void sendComplete(String model, long version, long items) {
        ModelVersionEvent event = ModelVersionEvent.complete(model, version, 10, "ck", items, 5);
        send(
                versions,
                event.key(),
                EventSerdes.modelVersionEvents().serializer().serialize(versions, event));
    }

    @Test
    void shouldServeAVersionOnceCompleteAndHoldingEveryItem() throws InterruptedException {
        // Given: the complete event read before the last embeddings of its version
        sendComplete(MODEL, 1, 20);
        sendItems(1, 0, 10);
        try (IndexConsumer consumer =
                IndexConsumer.start(settings(Duration.ofMillis(100), 1000), dir)) {
            await().atMost(WAIT).until(() -> consumer.index().count(1) == 10);
            assertThat(consumer.index().servingVersion()).isEmpty();

            // When: the rest arrive
            sendItems(1, 10, 20);

            // Then
            assertThat(consumer.index().awaitServing(1, WAIT)).isTrue();
            assertThat(consumer.index().count(1)).isEqualTo(20);

            // And a second version replaces it, every item once, none of version 1's
            sendItems(2, 0, 20);
            sendComplete(MODEL, 2, 20);
            assertThat(consumer.index().awaitServing(2, WAIT)).isTrue();
            assertThat(consumer.index().ids(2)).hasSize(20);
            assertThat(consumer.index().neighboursOf(2, "item-3", 19)).hasSize(19);
        }
    }

    @Test
    void shouldSkipAndCountBadRecordsAndKeepIndexing() throws InterruptedException {
        send(embeddings, "junk", "not json".getBytes(StandardCharsets.UTF_8));
        send(embeddings, "empty", new byte[] {'{', '}'});
        send(embeddings, "tombstone", null);
        send(embeddings, "training", embedding("training", null, 1, 2, 3));
        send(embeddings, "zero", embedding("zero", 1L, 0, 0, 0));
        send(embeddings, "a", embedding("a", 1L, 1, 2, 3));
        send(embeddings, "a", embedding("a", 1L, 1, 2)); // same key, same partition, after a
        send(embeddings, "huge", embedding("huge", 1L, new float[1025]));
        send(versions, "junk", "[]".getBytes(StandardCharsets.UTF_8));
        sendComplete("another-model", 1, 0);
        // An aborted transaction: read_committed never sees it.
        try (KafkaProducer<String, byte[]> producer =
                producer(
                        Map.of(
                                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                "tx-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(
                    new ProducerRecord<>(embeddings, "aborted", embedding("aborted", 1L, 3, 2, 1)));
            producer.flush();
            producer.abortTransaction();
        }
        sendItems(1, 0, 3);
        sendComplete(MODEL, 1, 4);

        try (IndexConsumer consumer =
                IndexConsumer.start(settings(Duration.ofMillis(100), 1000), dir)) {
            assertThat(consumer.index().awaitServing(1, WAIT)).isTrue();
            IndexProgress progress = consumer.progress();
            // 8 bad or unversioned embeddings and 3 items; 2 bad version events and 1 complete
            await().atMost(WAIT).until(() -> progress.records() == 14);

            assertThat(consumer.index().ids(1))
                    .containsExactlyInAnyOrder("a", "item-0", "item-1", "item-2");
            assertThat(progress.skipped(SkipReason.UNPARSABLE)).isEqualTo(3); // 2 + 1 version
            assertThat(progress.skipped(SkipReason.EMPTY_VALUE)).isEqualTo(1);
            assertThat(progress.skipped(SkipReason.NOT_A_VERSION)).isEqualTo(1);
            assertThat(progress.skipped(SkipReason.ZERO_VECTOR)).isEqualTo(1);
            assertThat(progress.skipped(SkipReason.WRONG_DIMENSION)).isEqualTo(1);
            assertThat(progress.skipped(SkipReason.TOO_MANY_DIMENSIONS)).isEqualTo(1);
            assertThat(progress.skipped(SkipReason.OTHER_MODEL)).isEqualTo(1);
            assertThat(progress.indexed()).isEqualTo(4);
            assertThat(progress.failure()).isNull();
        }
    }

    @Test
    void shouldResumeFromTheCommittedOffsetsAfterACrash() throws InterruptedException {
        // Given: a first run that indexed and committed version 1, then stopped cleanly
        sendItems(1, 0, 30);
        sendComplete(MODEL, 1, 30);
        Map<org.apache.kafka.common.TopicPartition, Long> committed;
        IndexConsumer first = IndexConsumer.start(settings(Duration.ofMillis(100), 1000), dir);
        try {
            assertThat(first.index().awaitServing(1, WAIT)).isTrue();
            await().atMost(WAIT).until(() -> first.progress().records() == 31);
        } finally {
            first.close(); // commits
        }
        committed = first.progress().committed();
        assertThat(committed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(31);

        // And: a second run that indexed 20 embeddings of version 2 and crashed before committing
        sendItems(2, 0, 20);
        IndexConsumer second = IndexConsumer.start(settings(Duration.ofHours(1), 1_000_000), dir);
        await().atMost(WAIT).until(() -> second.index().count(2) == 20);
        assertThat(second.progress().commits()).isZero();
        assertThat(second.progress().committed()).isEqualTo(committed); // what it started from
        second.crash();
        second.close(); // a second stop does nothing

        // Then: the index is at the first run's commit
        try (EmbeddingIndex atCommit = EmbeddingIndex.open(dir)) {
            assertThat(atCommit.committedOffsets()).isEqualTo(committed);
            assertThat(atCommit.count(1)).isEqualTo(30);
            assertThat(atCommit.count(2)).isZero();
            assertThat(atCommit.servingVersion()).hasValue(1);
        }

        // When: a third run starts, it reads exactly the 20 uncommitted records again
        try (IndexConsumer third =
                IndexConsumer.start(settings(Duration.ofMillis(100), 1000), dir)) {
            await().atMost(WAIT).until(() -> third.index().count(2) == 20);
            await().atMost(Duration.ofSeconds(5))
                    .pollDelay(Duration.ofMillis(500))
                    .until(() -> third.progress().records() == 20);
            assertThat(third.index().count(1)).isEqualTo(30);
            assertThat(third.index().servingVersion()).hasValue(1);
        }
    }

    @Test
    void shouldReadATopicCreatedAfterItStarted() throws InterruptedException {
        versions = "late-model-versions-" + UUID.randomUUID();
        sendItems(1, 0, 5);
        try (IndexConsumer consumer =
                IndexConsumer.start(settings(Duration.ofMillis(100), 1000), dir)) {
            await().atMost(WAIT).until(() -> consumer.index().count(1) == 5);

            broker.get().createTopic(versions, 1, Map.of(), Duration.ofSeconds(30));
            sendComplete(MODEL, 1, 5);

            // found at the next look for partitions, every PARTITION_REFRESH
            assertThat(consumer.index().awaitServing(1, WAIT)).isTrue();
        }
    }
}
