package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two learner instances on one real (embedded) broker split the two partitions of the samples
 * topic, and each embeds its own with the checkpoint of the model topic.
 */
class InferenceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final int SAMPLES_PER_PARTITION = 10;

    @TempDir Path dir;

    private EmbeddedKafkaBroker broker;
    private final List<KafkaStreams> instances = new ArrayList<>();
    private VicregTrainer trainer;

    @AfterEach
    void stop() {
        instances.forEach(
                s ->
                        s.close(
                                CloseOptions.timeout(Duration.ofSeconds(20))
                                        .withGroupMembershipOperation(
                                                CloseOptions.GroupMembershipOperation
                                                        .LEAVE_GROUP)));
        if (trainer != null) {
            trainer.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void shouldSplitTheSamplesPartitionsAcrossInstancesAndEmbedOnBothWithTheLatestCheckpoint() {
        broker = EmbeddedKafkaBroker.builder().optDataDir(dir.resolve("broker")).build().start();
        String bootstrap = broker.bootstrapServers();
        String prefix = "inference-it-" + UUID.randomUUID();
        LearnerConfig config = config(prefix);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            new TopicSetup(config).apply(admin, TIMEOUT);
        }
        // Given a checkpoint on the model topic before the instances start
        trainer = trainer(3);
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            producer.send(
                    new ProducerRecord<>(
                            config.topics().model(), config.modelName(), trainer.checkpoint()));
        }

        // When two instances of the same application run
        for (String name : List.of("a", "b")) {
            Properties props = config.streamsProperties(bootstrap);
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(name).toString());
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
            KafkaStreams streams = new KafkaStreams(LearnerTopology.build(config), props);
            instances.add(streams);
            streams.start();
        }
        String samplesTopic = config.topics().samples();
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> {
                            for (KafkaStreams streams : instances) {
                                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
                                assertThat(samplesPartitions(streams, samplesTopic)).hasSize(1);
                            }
                        });
        Set<Integer> servedByA = samplesPartitions(instances.get(0), samplesTopic);
        Set<Integer> servedByB = samplesPartitions(instances.get(1), samplesTopic);

        // and samples arrive on both partitions
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < SAMPLES_PER_PARTITION; i++) {
                    String id = "p" + partition + "-" + i;
                    ids.add(id);
                    String json = LearnerDriver.sampleJson(id, LearnerDriver.features(id, 0), null);
                    producer.send(
                            new ProducerRecord<>(
                                    samplesTopic,
                                    partition,
                                    id,
                                    json.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }

        // Then every sample is embedded once, by the instance that owns its partition
        List<EmbeddingEvent> embeddings =
                consume(bootstrap, config.topics().embeddings(), ids.size());
        assertThat(servedByA).doesNotContainAnyElementsOf(servedByB);
        assertThat(embeddings)
                .extracting(EmbeddingEvent::id)
                .containsExactlyInAnyOrderElementsOf(ids);
        for (EmbeddingEvent event : embeddings) {
            float[] expected =
                    trainer.embed(new float[][] {LearnerDriver.features(event.id(), 0)})[0];
            assertThat(event.source()).isEqualTo(EmbeddingEvent.Source.INFERENCE);
            assertThat(event.modelStep()).isEqualTo(3);
            assertThat(event.embedding())
                    .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void shouldEmbedTheSamplesThatWaitedInABatchAcrossAMoveToAnotherInstanceExactlyOnce()
            throws Exception {
        broker = EmbeddedKafkaBroker.builder().optDataDir(dir.resolve("broker")).build().start();
        String bootstrap = broker.bootstrapServers();
        String prefix = "inference-it-" + UUID.randomUUID();
        // Batches that never fill and never linger out in the first instance: its samples wait.
        Map<String, Object> waiting =
                Map.of(
                        LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                        1000,
                        LearnerConfig.INFERENCE_BATCH_LINGER_MS_CONFIG,
                        3_600_000L);
        LearnerConfig first = config(prefix, waiting);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            new TopicSetup(first).apply(admin, TIMEOUT);
            KafkaStreams a = start(first, bootstrap, "a");
            String samplesTopic = first.topics().samples();
            List<String> ids = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                for (int partition = 0; partition < 2; partition++) {
                    for (int i = 0; i < SAMPLES_PER_PARTITION; i++) {
                        String id = "w" + partition + "-" + i;
                        ids.add(id);
                        String json =
                                LearnerDriver.sampleJson(id, LearnerDriver.features(id, 0), null);
                        producer.send(
                                new ProducerRecord<>(
                                        samplesTopic,
                                        partition,
                                        id,
                                        json.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
            // Once their offsets are committed, only the batch starts in the store keep them.
            await().atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    admin
                                                            .listConsumerGroupOffsets(prefix)
                                                            .partitionsToOffsetAndMetadata()
                                                            .get()
                                                            .entrySet()
                                                            .stream()
                                                            .filter(
                                                                    e ->
                                                                            e.getKey()
                                                                                    .topic()
                                                                                    .equals(
                                                                                            samplesTopic))
                                                            .map(e -> e.getValue().offset())
                                                            .toList())
                                            .containsExactly(
                                                    (long) SAMPLES_PER_PARTITION,
                                                    (long) SAMPLES_PER_PARTITION));
            a.close(
                    CloseOptions.timeout(Duration.ofSeconds(20))
                            .withGroupMembershipOperation(
                                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            instances.remove(a);
            assertThat(endOffsets(bootstrap, first.topics().embeddings())).isZero();

            // When another instance, with a fresh state directory, takes the tasks over
            start(config(prefix, Map.of()), bootstrap, "b");

            // Then it reads the waiting samples back from the samples topic and embeds each once
            assertThat(consume(bootstrap, first.topics().embeddings(), ids.size()))
                    .extracting(EmbeddingEvent::id)
                    .containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    private KafkaStreams start(LearnerConfig config, String bootstrap, String name) {
        Properties props = config.streamsProperties(bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(name).toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        KafkaStreams streams = new KafkaStreams(LearnerTopology.build(config), props);
        instances.add(streams);
        streams.start();
        return streams;
    }

    /** The records (and transaction markers) a topic's partitions hold, summed. */
    private static long endOffsets(String bootstrap, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        props,
                        new StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static LearnerConfig config(String prefix) {
        return config(prefix, Map.of());
    }

    private static LearnerConfig config(String prefix, Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.APPLICATION_ID_CONFIG, prefix);
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, LearnerDriver.INPUT_DIM);
        settings.put(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16);
        settings.put(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8);
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        settings.put(LearnerConfig.TOPIC_PARTITIONS_CONFIG, 2);
        settings.put(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 4);
        for (String key :
                List.of(
                        LearnerConfig.TOPIC_VIEWS_CONFIG,
                        LearnerConfig.TOPIC_SAMPLES_CONFIG,
                        LearnerConfig.TOPIC_EMBEDDINGS_CONFIG,
                        LearnerConfig.TOPIC_METRICS_CONFIG,
                        LearnerConfig.TOPIC_DEAD_LETTERS_CONFIG,
                        LearnerConfig.TOPIC_MODEL_CONFIG,
                        LearnerConfig.TOPIC_PAIRS_CONFIG)) {
            settings.put(key, prefix + "." + key.substring("topic.".length()));
        }
        settings.putAll(overrides);
        return LearnerConfig.of(settings);
    }

    private static VicregTrainer trainer(int steps) {
        VicregTrainer t =
                VicregTrainer.create(
                        TrainerConfig.defaults(new ModelSpec(LearnerDriver.INPUT_DIM, 16, 8)),
                        DeviceChoice.CPU);
        for (int s = 0; s < steps; s++) {
            float[][] view0 = new float[4][];
            float[][] view1 = new float[4][];
            for (int i = 0; i < 4; i++) {
                view0[i] = LearnerDriver.features("t" + s + i, 0);
                view1[i] = LearnerDriver.features("t" + s + i, 1);
            }
            t.step(view0, view1);
        }
        return t;
    }

    private static Set<Integer> samplesPartitions(KafkaStreams streams, String topic) {
        Set<Integer> partitions = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            thread.activeTasks()
                    .forEach(
                            task -> {
                                for (TopicPartition tp : task.topicPartitions()) {
                                    if (tp.topic().equals(topic)) {
                                        partitions.add(tp.partition());
                                    }
                                }
                            });
        }
        return partitions;
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, LearnerConfig.MAX_REQUEST_BYTES);
        return new KafkaProducer<>(props);
    }

    private static List<EmbeddingEvent> consume(String bootstrap, String topic, int expected) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<EmbeddingEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, EmbeddingEvent> consumer =
                new KafkaConsumer<>(
                        props,
                        new StringDeserializer(),
                        EventSerdes.embeddingEvents().deserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (events.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, EmbeddingEvent> r :
                        consumer.poll(Duration.ofMillis(200))) {
                    events.add(r.value());
                }
            }
        }
        return events;
    }
}
