package io.github.vicregstreams.cli;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.MetricsEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the metrics topic from its current end: how many steps and pairs the learner has trained
 * since, and the latest loss. Not thread-safe: poll it from one thread.
 */
final class TrainingMonitor implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<MetricsEvent> metrics = EventSerdes.metricsEvents().deserializer();
    private final String topic;
    private long steps;
    private long trainedPairs;
    private long lastStep = -1;
    private MetricsEvent latest;
    private long lastEventNanos = System.nanoTime();

    TrainingMonitor(String bootstrapServers, String topic, Map<String, Object> clientSettings) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Reads what arrived, waiting at most {@code wait}. */
    void poll(Duration wait) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(wait)) {
            MetricsEvent event = metrics.deserialize(topic, record.value());
            if (event == null) {
                continue;
            }
            steps++;
            trainedPairs += event.batchSize();
            if (event.applied()) {
                lastStep = Math.max(lastStep, event.step());
            }
            latest = event;
            lastEventNanos = System.nanoTime();
        }
    }

    long steps() {
        return steps;
    }

    long trainedPairs() {
        return trainedPairs;
    }

    /** The model step after the last applied update, -1 before any. */
    long lastStep() {
        return lastStep;
    }

    /** Seconds since the last metrics event (or since the start). */
    double idleSeconds() {
        return (System.nanoTime() - lastEventNanos) / 1e9;
    }

    /** {@code step 47 | loss 22.41 (inv 0.412, var 0.305, cov 0.845) | std 0.79 (min 0.42)}. */
    String describeLatest() {
        if (latest == null) {
            return "no step yet";
        }
        return String.format(
                Locale.ROOT,
                "step %d | loss %.3f (inv %.4f, var %.4f, cov %.4f) | proj std %.3f (min %.3f)",
                latest.step(),
                latest.loss(),
                latest.invariance(),
                latest.variance(),
                latest.covariance(),
                latest.embeddingStdMean(),
                latest.embeddingStdMin());
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
