package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.events.ModelVersionEvent;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.SampleEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A {@link TopologyTestDriver} around the learner's topology, with a tiny model (8 → 16 → 8) and
 * typed topics. Each test gives its own state directory.
 */
final class LearnerDriver implements AutoCloseable {

    /** How often a running stream thread is taken to punctuate, in {@link #advanceWallClock}. */
    static final Duration TICK = Duration.ofMillis(100);

    static final int INPUT_DIM = 8;

    /**
     * The driver's wall clock at the start: after every record timestamp the tests use, as in
     * production, where records are stamped in the past (pairing bounds future timestamps by it).
     */
    static final Instant WALL_CLOCK_START = Instant.parse("2026-01-01T00:00:00Z");

    final LearnerConfig config;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> views;
    final TestInputTopic<byte[], byte[]> pairEvents;
    final TestOutputTopic<String, EmbeddingEvent> embeddings;
    final TestOutputTopic<String, MetricsEvent> metrics;
    final TestOutputTopic<byte[], DeadLetter> deadLetters;
    final TestOutputTopic<String, byte[]> model;
    final TestInputTopic<byte[], byte[]> samples;
    final TestInputTopic<String, byte[]> modelInput;
    final TestOutputTopic<String, ModelVersionEvent> modelVersions;
    final TestInputTopic<byte[], byte[]> items;
    private final CheckpointChunks.Assembler checkpointChunks;

    LearnerDriver(Path stateDir, Map<String, Object> overrides) {
        this(stateDir, overrides, new TrainerFlush());
    }

    /** A learner whose trainer answers {@code flush}, as {@link LearnerApp#close()} asks it. */
    LearnerDriver(Path stateDir, Map<String, Object> overrides, TrainerFlush flush) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.APPLICATION_ID_CONFIG, "learner-test");
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, INPUT_DIM);
        settings.put(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16);
        settings.put(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8);
        settings.put(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 4);
        settings.put(LearnerConfig.TRAIN_BATCH_WINDOW_MS_CONFIG, 1_000L);
        settings.put(LearnerConfig.PAIRING_WINDOW_MS_CONFIG, 10_000L);
        settings.put(LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, 2);
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        // Steps on the stream thread: a step's outputs are there when the record that released its
        // batch has been piped. Tests of the step thread override it.
        settings.put(LearnerConfig.TRAIN_STEP_THREAD_CONFIG, false);
        settings.putAll(overrides);
        config = LearnerConfig.of(settings);
        Properties props = config.streamsProperties("unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver =
                new TopologyTestDriver(
                        LearnerTopology.build(config, flush, TopicIds.UNKNOWN),
                        props,
                        WALL_CLOCK_START);
        Topics topics = config.topics();
        views =
                driver.createInputTopic(
                        topics.views(), new ByteArraySerializer(), new ByteArraySerializer());
        pairEvents =
                driver.createInputTopic(
                        topics.pairEvents(), new ByteArraySerializer(), new ByteArraySerializer());
        embeddings =
                driver.createOutputTopic(
                        topics.embeddings(),
                        new StringDeserializer(),
                        EventSerdes.embeddingEvents().deserializer());
        metrics =
                driver.createOutputTopic(
                        topics.metrics(),
                        new StringDeserializer(),
                        EventSerdes.metricsEvents().deserializer());
        deadLetters =
                driver.createOutputTopic(
                        topics.deadLetters(),
                        new ByteArrayDeserializer(),
                        EventSerdes.deadLetters().deserializer());
        model =
                driver.createOutputTopic(
                        topics.model(), new StringDeserializer(), new ByteArrayDeserializer());
        samples =
                driver.createInputTopic(
                        topics.samples(), new ByteArraySerializer(), new ByteArraySerializer());
        modelInput =
                driver.createInputTopic(
                        topics.model(), new StringSerializer(), new ByteArraySerializer());
        modelVersions =
                driver.createOutputTopic(
                        topics.modelVersions(),
                        new StringDeserializer(),
                        EventSerdes.modelVersionEvents().deserializer());
        items =
                driver.createInputTopic(
                        topics.items(), new ByteArraySerializer(), new ByteArraySerializer());
        checkpointChunks = new CheckpointChunks.Assembler(config.modelName());
    }

    /** Sends sample {@code id} at {@code timestampMs}, with the features of its view 0. */
    void sendSample(String id, long timestampMs) {
        sendSampleRaw(id, sampleJson(id, features(id, 0), null), timestampMs);
    }

    /** As {@link #sendSample}, in the binary form of a sample event, with {@code metadata}. */
    void sendBinarySample(String id, long timestampMs, Metadata metadata) {
        SampleEvent event = new SampleEvent(id, features(id, 0), null, metadata);
        samples.pipeInput(
                id.getBytes(StandardCharsets.UTF_8),
                EventSerdes.binarySampleEvents(FeatureEventParser.samples(INPUT_DIM))
                        .serializer()
                        .serialize(null, event),
                timestampMs);
    }

    void sendSampleRaw(String key, String value, long timestampMs) {
        samples.pipeInput(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                timestampMs);
    }

    /**
     * Reads the model topic's output up to the next whole checkpoint: its chunks and manifest.
     *
     * @throws AssertionError if the output ends first
     */
    CheckpointChunks.Assembler.Complete readCheckpoint() {
        while (!model.isEmpty()) {
            org.apache.kafka.streams.test.TestRecord<String, byte[]> record = model.readRecord();
            CheckpointChunks.Assembler.Outcome outcome =
                    checkpointChunks.accept(record.key(), record.value(), record.headers());
            if (outcome instanceof CheckpointChunks.Assembler.Complete complete) {
                return complete;
            }
            if (outcome instanceof CheckpointChunks.Assembler.Refused refused) {
                throw new AssertionError("a bad model-topic record: " + refused.reason());
            }
        }
        throw new AssertionError("the model topic holds no whole checkpoint");
    }

    /** Publishes a checkpoint on the model topic, whole, as the trainer did before chunks. */
    void publishCheckpoint(byte[] checkpoint) {
        modelInput.pipeInput(config.modelName(), checkpoint);
    }

    static String sampleJson(String id, float[] features, String metadataJson) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"id\":\"").append(id).append("\",\"features\":[");
        for (int i = 0; i < features.length; i++) {
            sb.append(i == 0 ? "" : ",").append(Float.toString(features[i]));
        }
        sb.append(']');
        if (metadataJson != null) {
            sb.append(",\"metadata\":").append(metadataJson);
        }
        return sb.append('}').toString();
    }

    /** Sends view {@code view} of {@code id} at {@code timestampMs}, with features from a seed. */
    void send(String id, int view, long timestampMs) {
        send(id, view, timestampMs, null);
    }

    void send(String id, int view, long timestampMs, String metadataJson) {
        sendRaw(id, json(id, view, features(id, view), metadataJson), timestampMs);
    }

    void sendRaw(String key, String value, long timestampMs) {
        views.pipeInput(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                timestampMs);
    }

    /** A pair event of {@code id}, both views as {@link #features} gives them, at {@code t}. */
    void sendPairEvent(String id, long timestampMs) {
        sendPairEventRaw(
                id,
                "{\"id\": \""
                        + id
                        + "\", \"features\": ["
                        + floats(features(id, 0))
                        + ", "
                        + floats(features(id, 1))
                        + "]}",
                timestampMs);
    }

    /** As {@link #sendPairEvent}, in the binary form of a pair event. */
    void sendBinaryPairEvent(String id, long timestampMs) {
        PairEvent event = new PairEvent(id, features(id, 0), features(id, 1), null, null);
        pairEvents.pipeInput(
                id.getBytes(StandardCharsets.UTF_8),
                EventSerdes.binaryPairEvents(FeatureEventParser.pairs(INPUT_DIM))
                        .serializer()
                        .serialize(null, event),
                timestampMs);
    }

    void sendPairEventRaw(String key, String value, long timestampMs) {
        pairEvents.pipeInput(
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8),
                timestampMs);
    }

    /** As {@link #json} writes a view's features, so that both inputs carry the same numbers. */
    private static String floats(float[] values) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", values[i]));
        }
        return json.append(']').toString();
    }

    /** Both views of ids {@code prefix0 … prefix(n-1)}, view 0 then view 1, at {@code t}. */
    void sendPairs(String prefix, int n, long timestampMs) {
        for (int i = 0; i < n; i++) {
            send(prefix + i, 0, timestampMs);
            send(prefix + i, 1, timestampMs);
        }
    }

    /**
     * Lets {@code duration} of wall-clock time pass as on a running stream thread, which polls and
     * punctuates at least every {@link #TICK}: in ticks, each one running the punctuators due.
     */
    void advanceWallClock(Duration duration) {
        Duration left = duration;
        while (left.compareTo(TICK) > 0) {
            driver.advanceWallClockTime(TICK);
            left = left.minus(TICK);
        }
        driver.advanceWallClockTime(left);
    }

    /**
     * Lets {@code duration} pass in one jump, as when the stream thread is blocked (a long write, a
     * slow commit, a paused process): the punctuators due run once, at its end.
     */
    void stall(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    static String json(String id, int view, float[] features, String metadataJson) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"id\":\"")
                .append(id)
                .append("\",\"view\":")
                .append(view)
                .append(",\"features\":[");
        for (int i = 0; i < features.length; i++) {
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", features[i]));
        }
        sb.append(']');
        if (metadataJson != null) {
            sb.append(",\"metadata\":").append(metadataJson);
        }
        return sb.append('}').toString();
    }

    /** Deterministic features: a shared base per id plus a small view-dependent shift. */
    static float[] features(String id, int view) {
        java.util.Random random = new java.util.Random(id.hashCode());
        float[] f = new float[INPUT_DIM];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) random.nextGaussian() + 0.05f * view * (i % 3);
        }
        return f;
    }

    @Override
    public void close() {
        driver.close();
    }
}
