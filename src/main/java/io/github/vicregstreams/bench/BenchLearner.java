package io.github.vicregstreams.bench;

import io.github.vicregstreams.topology.LearnerApp;
import io.github.vicregstreams.topology.LearnerConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;

/** What the benchmarks that run the learner on a broker share: its topics, start and output. */
final class BenchLearner {

    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(60);

    private BenchLearner() {}

    /** A prefix of {@code bench-} and 8 random characters, for a run's names. */
    static String randomPrefix() {
        return "bench-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Every topic setting of the learner, with a topic named {@code <prefix>.<name>}: a run's
     * topics are its own, so that its bytes are counted alone and runs never meet.
     *
     * @param prefix the run's prefix
     * @return topic config key to topic name
     */
    static Map<String, String> topicsUnder(String prefix) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (String key :
                LearnerConfig.of(Map.of(LearnerConfig.MODEL_INPUT_DIM_CONFIG, 1))
                        .topics()
                        .byKey()
                        .keySet()) {
            topics.put(key, prefix + "." + key.substring("topic.".length()));
        }
        return topics;
    }

    /**
     * A {@code read_committed} reader of the learner's embeddings from the start, in a group of its
     * own, subscribed.
     *
     * @param keys how to read the keys (the values stay bytes)
     */
    static <K> KafkaConsumer<K, byte[]> embeddingsReader(
            String bootstrap, LearnerConfig config, Deserializer<K> keys) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<K, byte[]> consumer =
                new KafkaConsumer<>(props, keys, new ByteArrayDeserializer());
        consumer.subscribe(List.of(config.topics().embeddings()));
        return consumer;
    }

    /** Waits until the learner's Kafka Streams runs. */
    static void awaitRunning(LearnerApp app) throws InterruptedException {
        long deadline = System.nanoTime() + RUNNING_TIMEOUT.toNanos();
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the learner did not reach RUNNING: " + app.streams().state());
            }
            Thread.sleep(50);
        }
    }
}
