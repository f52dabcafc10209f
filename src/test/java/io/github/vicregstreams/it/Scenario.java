package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.kafka.TopicCreator;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.PairsTopicRecords;
import io.github.vicregstreams.topology.TopicSetup;
import io.github.vicregstreams.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One integration scenario: its own topics and application id (a UUID prefix), a producer of views,
 * read_committed consumers of every output, and learners started in their own JVMs.
 */
final class Scenario implements AutoCloseable {

    static final int INPUT_DIM = 16;

    /** Kafka's default {@code message.max.bytes} and {@code max.message.bytes}. */
    static final int KAFKA_DEFAULT_MESSAGE_BYTES = 1_048_588;

    /** The largest record a scenario may send (a topic must be raised to take it). */
    static final int LARGEST_RECORD_BYTES = 16 * 1024 * 1024;

    final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
    final KafkaBackend kafka;
    final Path dir;
    final Map<String, String> settings = new HashMap<>();
    final LearnerConfig config;
    private final Properties producerProps = new Properties();
    private KafkaProducer<byte[], byte[]> producer;
    private final Serializer<ViewEvent> views;
    private final Serializer<PairEvent> pairEvents;
    private final KafkaConsumer<byte[], byte[]> outputs;
    private final Deserializer<EmbeddingEvent> embeddingReader =
            EventSerdes.embeddingEvents().deserializer();
    private final Deserializer<MetricsEvent> metricsReader =
            EventSerdes.metricsEvents().deserializer();
    private final Deserializer<DeadLetter> deadLetterReader =
            EventSerdes.deadLetters().deserializer();
    private final CheckpointChunks.Assembler checkpointChunks;

    final List<EmbeddingEvent> embeddings = new ArrayList<>();
    final List<MetricsEvent> metrics = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();

    /** Whole checkpoints, assembled from the model topic's chunks. */
    final List<byte[]> checkpoints = new ArrayList<>();

    Scenario(KafkaBackend kafka, Path dir, int viewPartitions, Map<String, String> extra) {
        this.kafka = kafka;
        this.dir = dir;
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("application.id", prefix);
        for (String topic :
                List.of(
                        "views",
                        "samples",
                        "embeddings",
                        "metrics",
                        "dead-letters",
                        "model",
                        "pairs",
                        "pair-events",
                        "items",
                        "model-versions")) {
            settings.put("topic." + topic, prefix + "." + topic);
        }
        settings.put("topic.partitions", String.valueOf(viewPartitions));
        settings.put("model.input.dim", String.valueOf(INPUT_DIM));
        settings.put("model.hidden.size", "32");
        settings.put("model.projection.dim", "16");
        settings.put("train.batch.size", "16");
        settings.put("train.batch.window.ms", "1000");
        settings.put("checkpoint.interval.steps", "5");
        settings.put("device", "cpu");
        // A killed instance's partitions move after the session time-out: keep it short here,
        // unless the scenario is about the failover profile's own.
        if (!extra.containsKey("failover.profile")) {
            settings.put("consumer.session.timeout.ms", "10000");
            settings.put("consumer.heartbeat.interval.ms", "1000");
        }
        settings.putAll(extra);
        config = LearnerConfig.of(new HashMap<>(settings));
        checkpointChunks = new CheckpointChunks.Assembler(config.modelName());

        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            new TopicSetup(config).apply(admin, Duration.ofSeconds(60));
        }

        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        // Without it, KAFKA-15591 failed this scenario twice.
        producerProps.putAll(TopicCreator.NEW_TOPIC_PRODUCER_SETTINGS);
        // Room for records over the learner's limits, which scenarios send on purpose.
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, LARGEST_RECORD_BYTES);
        producerProps.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * LARGEST_RECORD_BYTES);
        producer =
                new KafkaProducer<>(
                        producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        views =
                EventSerdes.viewEvents(
                                FeatureEventParser.views(INPUT_DIM), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        pairEvents =
                EventSerdes.pairEvents(
                                FeatureEventParser.pairs(INPUT_DIM), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-reader");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString().toLowerCase(java.util.Locale.ROOT));
        // Batches as large as the test brokers take (KafkaBackend gives the container the same).
        consumerProps.put(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                EmbeddedKafkaBroker.MESSAGE_MAX_BYTES);
        outputs =
                new KafkaConsumer<>(
                        consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Topics topics = config.topics();
        outputs.subscribe(
                List.of(
                        topics.embeddings(),
                        topics.metrics(),
                        topics.deadLetters(),
                        topics.model()));
    }

    /**
     * Both views of pairs {@code from … to-1}, ids {@code p<i>}, metadata {@code {"index":i}}: as
     * two view events, or as one pair event when the trainer reads pair events ({@code
     * train.source=pair-events}).
     */
    void sendPairs(int from, int to) {
        boolean asPairEvents = "pair-events".equals(settings.get("train.source"));
        for (int i = from; i < to; i++) {
            String id = "p" + i;
            Metadata metadata = Metadata.of("{\"index\":" + i + "}");
            if (asPairEvents) {
                PairEvent event = new PairEvent(id, features(i, 0), features(i, 1), null, metadata);
                send(
                        config.topics().pairEvents(),
                        id.getBytes(StandardCharsets.UTF_8),
                        pairEvents.serialize(null, event));
                continue;
            }
            for (int view = 0; view < 2; view++) {
                ViewEvent event = new ViewEvent(id, view, features(i, view), null, metadata);
                send(id.getBytes(StandardCharsets.UTF_8), views.serialize(null, event));
            }
        }
        producer.flush();
    }

    void send(byte[] key, byte[] value) {
        send(config.topics().views(), key, value);
    }

    /** Sends one record to any topic, waiting until the broker has it. */
    void sendAndWait(String topic, byte[] key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send a record to " + topic, e);
        }
    }

    void send(String topic, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends one record stamped {@code timestampMs}. */
    void sendAt(String topic, byte[] key, byte[] value, long timestampMs) {
        producer.send(new ProducerRecord<>(topic, null, timestampMs, key, value));
    }

    /**
     * Deletes {@code topic} and creates it again as the learner does (offsets from 0, another topic
     * ID), as a user might between two runs; the producer starts afresh, as its idempotence state
     * was the old topic's.
     */
    void createAgain(String topic) throws Exception {
        producer.close(Duration.ofSeconds(5));
        Uuid before = topicId(topic);
        withAdmin(admin -> admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS));
        // The deletion completes in the background: until then the name is taken.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            withAdmin(
                                    admin ->
                                            new TopicSetup(config)
                                                    .apply(admin, Duration.ofSeconds(10)));
                            assertThat(topicId(topic)).isNotEqualTo(before);
                        });
        producer =
                new KafkaProducer<>(
                        producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private Uuid topicId(String topic) throws Exception {
        return withAdmin(
                admin ->
                        TopicCreator.describe(admin, List.of(topic), Duration.ofSeconds(60))
                                .get(topic)
                                .topicId());
    }

    /** Lets {@code topic} take records of up to {@link #LARGEST_RECORD_BYTES}. */
    void raiseMaxMessageBytes(String topic) {
        setTopicConfig(
                topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(LARGEST_RECORD_BYTES));
    }

    void flush() {
        producer.flush();
    }

    /** Features around one of four centres, with view-specific noise. */
    static float[] features(int index, int view) {
        Random centre = new Random(index % 4);
        Random noise = new Random(index * 2L + view);
        float[] f = new float[INPUT_DIM];
        for (int j = 0; j < INPUT_DIM; j++) {
            f[j] = (float) (centre.nextGaussian() + 0.1 * noise.nextGaussian());
        }
        return f;
    }

    private void setTopicConfig(String topic, String name, String value) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp set =
                new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
        try {
            withAdmin(
                    admin ->
                            admin.incrementalAlterConfigs(Map.of(resource, List.of(set)))
                                    .all()
                                    .get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Could not set " + name + "=" + value + " on " + topic, e);
        }
    }

    LearnerProcess startLearner(String name) {
        return startLearner(name, Map.of());
    }

    /** A learner with its own state directory and these settings over the scenario's. */
    LearnerProcess startLearner(String name, Map<String, String> overrides) {
        return startLearner(name, overrides, LearnerProcess.DEFAULT_HEAP);
    }

    /** As {@link #startLearner(String, Map)}, with a heap of {@code heap}. */
    LearnerProcess startLearner(String name, Map<String, String> overrides, String heap) {
        Map<String, String> own = new HashMap<>(settings);
        own.put("state.dir", dir.resolve("state-" + name).toString());
        own.putAll(overrides);
        return LearnerProcess.start(dir, prefix + "-" + name, own, heap);
    }

    /**
     * Limits {@code topic} to Kafka's default {@code max.message.bytes} (1048588), once it exists
     * (a changelog appears when the learner starts).
     */
    void limitToDefaultMessageBytes(String topic) {
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(topicNames()).contains(topic));
        setTopicConfig(
                topic,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(KAFKA_DEFAULT_MESSAGE_BYTES));
    }

    private java.util.Set<String> topicNames() throws Exception {
        return withAdmin(admin -> admin.listTopics().names().get(60, TimeUnit.SECONDS));
    }

    /** Something done with an admin client. */
    private interface AdminCall<T> {
        T call(Admin admin) throws Exception;
    }

    private <T> T withAdmin(AdminCall<T> call) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            return call.call(admin);
        }
    }

    /** A sample event for the samples topic, with the features of view 0 of pair {@code i}. */
    static byte[] sampleJson(String id, int i) {
        StringBuilder json = new StringBuilder("{\"id\":\"").append(id).append("\",\"features\":[");
        float[] f = features(i, 0);
        for (int j = 0; j < f.length; j++) {
            json.append(j == 0 ? "" : ",").append(f[j]);
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads what committed output has arrived since the last call. */
    void poll() {
        Topics topics = config.topics();
        for (ConsumerRecord<byte[], byte[]> r : outputs.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.embeddings())) {
                embeddings.add(embeddingReader.deserialize(r.topic(), r.value()));
            } else if (r.topic().equals(topics.metrics())) {
                metrics.add(metricsReader.deserialize(r.topic(), r.value()));
            } else if (r.topic().equals(topics.deadLetters())) {
                deadLetters.add(deadLetterReader.deserialize(r.topic(), r.value()));
            } else if (r.topic().equals(topics.model()) && r.value() != null) {
                if (checkpointChunks.accept(
                                r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8),
                                r.value(),
                                r.headers())
                        instanceof CheckpointChunks.Assembler.Complete complete) {
                    checkpoints.add(complete.checkpoint());
                }
            }
        }
    }

    /**
     * Polls until at least {@code count} embeddings have arrived, then two seconds longer: anything
     * published twice would be right behind.
     */
    void awaitEmbeddings(int count, Duration atMost) {
        awaitOutput(() -> assertThat(embeddings.size()).isGreaterThanOrEqualTo(count), atMost);
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            poll();
        }
    }

    /** Polls until at least {@code count} whole checkpoints have come from the model topic. */
    void awaitCheckpoints(int count, Duration atMost) {
        awaitOutput(() -> assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(count), atMost);
    }

    /** Polls until at least {@code count} metrics events (steps) have arrived. */
    void awaitSteps(int count, Duration atMost) {
        awaitOutput(() -> assertThat(metrics).hasSizeGreaterThanOrEqualTo(count), atMost);
    }

    private void awaitOutput(Runnable assertion, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(
                        () -> {
                            poll();
                            assertion.run();
                        });
    }

    /** Polls until a dead letter with this reason code has arrived, and returns it. */
    DeadLetter awaitDeadLetter(String reason, Duration atMost) {
        awaitOutput(() -> assertThat(deadLetters).anyMatch(d -> d.reason().equals(reason)), atMost);
        return deadLetters.stream()
                .filter(d -> d.reason().equals(reason))
                .findFirst()
                .orElseThrow();
    }

    /** Every committed pair of the pairs topic (one partition), in offset order: its two views. */
    List<float[][]> readPairsTopic() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<float[][]> pairs = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            org.apache.kafka.common.TopicPartition partition =
                    new org.apache.kafka.common.TopicPartition(config.topics().pairs(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    pairs.add(PairsTopicRecords.views(r.value()));
                }
            }
        }
        return pairs;
    }

    /** Embeddings per id. */
    /** Embeddings per id. */
    Map<String, Long> embeddingCounts() {
        Map<String, Long> counts = new HashMap<>();
        embeddings.forEach(e -> counts.merge(e.id(), 1L, Long::sum));
        return counts;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        outputs.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
