package io.github.vicregstreams.monitor;

import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the learner's output topics on a thread of its own and feeds what it reads into the
 * {@link MonitorModel}.
 *
 * <p>It is no member of any consumer group: it {@code assign}s itself every partition, reads {@code
 * read_committed} (only what the exactly-once learner committed), and starts a little before the
 * end: the last {@code maxSteps} metrics, the last {@code maxEmbeddings} embeddings, and the last
 * {@value #MODEL_LOOKBACK} offsets of the model topic (from its beginning if no checkpoint is
 * there). It never commits offsets, so any number of monitors can run.
 */
final class OutputTopicsReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutputTopicsReader.class);

    /**
     * Offsets of the model topic read back at start: checkpoints interleave with commit markers.
     */
    static final int MODEL_LOOKBACK = 64;

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final long TOPIC_RETRY_MS = 1_000;

    private final MonitorSources sources;
    private final Map<String, CheckpointChunks.Assembler> checkpointChunks = new HashMap<>();
    private final MonitorModel model;
    private final int maxEmbeddings;
    private final int maxSteps;
    private final Consumer<MetricsEvent> onLiveMetrics;
    private final Runnable onLive;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<MetricsEvent> metrics = EventSerdes.metricsEvents().deserializer();
    private final Deserializer<EmbeddingEvent> embeddings =
            EventSerdes.embeddingEvents().deserializer();
    private final Thread thread;
    private volatile boolean closed;
    private boolean live;

    /**
     * @param onLiveMetrics called with each metrics event read once caught up
     * @param onLive called once, when caught up
     */
    OutputTopicsReader(
            MonitorSources sources,
            MonitorModel model,
            int maxEmbeddings,
            int maxSteps,
            Consumer<MetricsEvent> onLiveMetrics,
            Runnable onLive) {
        this.sources = sources;
        this.model = model;
        this.maxEmbeddings = maxEmbeddings;
        this.maxSteps = maxSteps;
        this.onLiveMetrics = onLiveMetrics;
        this.onLive = onLive;
        Map<String, Object> config = new HashMap<>(sources.clientSettings());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sources.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "vicreg-monitor-" + UUID.randomUUID());
        consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, "vicreg-monitor-reader");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seekBack(begin, end);
            model.setReader(MonitorModel.ReaderState.CATCHING_UP, "reading the recent history");
            boolean searchedWholeModelTopic = false;
            while (!closed) {
                handle(consumer.poll(POLL));
                if (!live && caughtUp(end)) {
                    if (model.checkpoint() == null && !searchedWholeModelTopic) {
                        // No checkpoint among the last offsets: look through the whole (compacted)
                        // topic.
                        searchedWholeModelTopic = true;
                        List<TopicPartition> modelPartitions =
                                ofTopic(partitions, sources.modelTopic());
                        consumer.seekToBeginning(modelPartitions);
                        continue;
                    }
                    live = true;
                    model.setReader(MonitorModel.ReaderState.LIVE, "following the output topics");
                    onLive.run();
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                fail(e);
            }
        } catch (KafkaException | IllegalStateException e) {
            if (!closed) {
                fail(e);
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void fail(RuntimeException e) {
        log.error("The monitor stopped reading the learner's output topics", e);
        model.setReader(MonitorModel.ReaderState.FAILED, e.toString());
    }

    /** Waits for all three topics to exist; null when closed meanwhile. */
    private List<TopicPartition> awaitPartitions() {
        List<String> topics =
                List.of(sources.metricsTopic(), sources.embeddingsTopic(), sources.modelTopic());
        while (!closed) {
            List<TopicPartition> partitions = new ArrayList<>();
            String missing = null;
            for (String topic : topics) {
                List<PartitionInfo> infos;
                try {
                    infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
                } catch (org.apache.kafka.common.errors.TimeoutException
                        | org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
                    infos = List.of();
                }
                if (infos == null || infos.isEmpty()) {
                    missing = topic;
                    break;
                }
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            if (missing == null) {
                return partitions;
            }
            model.setReader(MonitorModel.ReaderState.STARTING, "waiting for topic " + missing);
            try {
                Thread.sleep(TOPIC_RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void seekBack(Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
        Map<String, Integer> partitionCount = new HashMap<>();
        end.keySet().forEach(tp -> partitionCount.merge(tp.topic(), 1, Integer::sum));
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            TopicPartition tp = e.getKey();
            long back;
            if (tp.topic().equals(sources.modelTopic())) {
                back = MODEL_LOOKBACK;
            } else if (tp.topic().equals(sources.metricsTopic())) {
                // Commit markers take offsets too: read twice as many.
                back = 2L * ceilDiv(maxSteps, partitionCount.get(tp.topic()));
            } else {
                back = 2L * ceilDiv(maxEmbeddings, partitionCount.get(tp.topic()));
            }
            consumer.seek(tp, Math.max(begin.get(tp), e.getValue() - back));
        }
    }

    private static long ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<TopicPartition> ofTopic(List<TopicPartition> partitions, String topic) {
        return partitions.stream().filter(tp -> tp.topic().equals(topic)).toList();
    }

    private void handle(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> embeddingRecords = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            String topic = record.topic();
            if (topic.equals(sources.embeddingsTopic())) {
                embeddingRecords.add(record);
            } else if (topic.equals(sources.metricsTopic())) {
                MetricsEvent event = decode(metrics, record);
                if (event != null) {
                    model.addMetrics(event);
                    if (live) {
                        onLiveMetrics.accept(event);
                    }
                }
            } else if (topic.equals(sources.modelTopic())) {
                checkpoint(record);
            }
        }
        // Only the newest embeddings are kept: decoding the others would be wasted work.
        int from = Math.max(0, embeddingRecords.size() - maxEmbeddings);
        for (ConsumerRecord<String, byte[]> record :
                embeddingRecords.subList(from, embeddingRecords.size())) {
            EmbeddingEvent event = decode(embeddings, record);
            if (event != null) {
                model.addEmbedding(event);
            }
        }
    }

    private <T> T decode(Deserializer<T> deserializer, ConsumerRecord<String, byte[]> record) {
        try {
            return deserializer.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            bad(record, e.getMessage());
            return null;
        }
    }

    private void checkpoint(ConsumerRecord<String, byte[]> record) {
        String modelName = CheckpointChunks.modelOf(record.key() == null ? "" : record.key());
        CheckpointChunks.Assembler.Outcome outcome =
                checkpointChunks
                        .computeIfAbsent(modelName, CheckpointChunks.Assembler::new)
                        .accept(record.key(), record.value(), record.headers());
        if (outcome instanceof CheckpointChunks.Assembler.Refused refused) {
            bad(record, refused.reason());
            return;
        }
        if (!(outcome instanceof CheckpointChunks.Assembler.Complete complete)) {
            return; // a chunk, kept until its manifest comes
        }
        byte[] checkpoint = complete.checkpoint();
        // Decoded and verified whatever its headers say: anyone who can write the topic can write
        // headers, and the monitor serves these bytes as the model.
        String unsigned = sources.checkpointSignature().refusal(checkpoint, complete.headers());
        if (unsigned != null) {
            bad(record, unsigned);
            return;
        }
        CheckpointInfo info;
        try {
            info = CheckpointInfo.of(checkpoint);
        } catch (InvalidCheckpointException e) {
            bad(record, e.getMessage());
            return;
        }
        model.setCheckpoint(
                new MonitorModel.Checkpoint(
                        modelName,
                        checkpoint,
                        info.step(),
                        info.config().spec().toString(),
                        record.timestamp()));
    }

    private void bad(ConsumerRecord<String, byte[]> record, String why) {
        model.countBadRecord();
        log.warn(
                "The monitor skipped a record it cannot read: topic=[{}] partition=[{}] offset=[{}]"
                        + " reason=[{}]",
                record.topic(),
                record.partition(),
                record.offset(),
                why);
    }
}
