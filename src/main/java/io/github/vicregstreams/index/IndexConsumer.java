package io.github.vicregstreams.index;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an {@link EmbeddingIndex} from the embeddings topic and the model-versions topic, on a
 * thread of its own, exactly once: the offsets it has read to are committed inside the index's
 * Lucene commit, with the vectors, so a restart reads on from exactly where the committed vectors
 * end (and re-reading would only repeat upserts anyway).
 *
 * <p>One plain consumer, {@code read_committed} and without a group: it assigns itself every
 * partition of both topics (new ones as they appear), starting at the committed offsets, else at
 * the beginning. Embeddings of a model version are indexed under their version; others (training
 * embeddings, inference while versions are off) are skipped, as are bad records: each skip is
 * counted in {@link IndexProgress} by reason, and bad ones are logged. The loop never stops on a
 * record.
 *
 * <pre>{@code
 * try (IndexConsumer consumer = IndexConsumer.start(settings, Path.of("index"))) {
 *     consumer.index().awaitServing(1, Duration.ofMinutes(1));
 *     consumer.index().neighboursOf(1, "item-42", 10);
 * }
 * }</pre>
 */
public final class IndexConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IndexConsumer.class);

    /** How often the consumer looks for partitions (and topics) that were not there before. */
    static final Duration PARTITION_REFRESH = Duration.ofSeconds(5);

    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * What the consumer reads, and how often it commits.
     *
     * @param kafka consumer settings, {@code bootstrap.servers} included; the consumer sets its
     *     isolation level, deserializers, offset reset and auto-commit itself
     * @param embeddingsTopic the embeddings topic ({@code topic.embeddings})
     * @param modelVersionsTopic the model-versions topic ({@code topic.model-versions})
     * @param modelName the model whose version events count ({@code model.name})
     * @param commitInterval commit at least this often while records arrive
     * @param commitRecords commit after at most about this many records (at a batch's end)
     */
    public record Settings(
            Map<String, Object> kafka,
            String embeddingsTopic,
            String modelVersionsTopic,
            String modelName,
            Duration commitInterval,
            int commitRecords) {

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException for a missing {@code bootstrap.servers}, one topic given
         *     twice, or a commit interval or record count below 1
         */
        public Settings {
            kafka = Map.copyOf(kafka);
            if (!kafka.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("kafka must hold bootstrap.servers");
            }
            Objects.requireNonNull(embeddingsTopic, "embeddingsTopic must not be null");
            Objects.requireNonNull(modelVersionsTopic, "modelVersionsTopic must not be null");
            if (embeddingsTopic.equals(modelVersionsTopic)) {
                throw new IllegalArgumentException(
                        "The embeddings and model-versions topics must differ. Got: "
                                + embeddingsTopic
                                + " for both");
            }
            Objects.requireNonNull(modelName, "modelName must not be null");
            if (commitInterval.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "commitInterval must be at least 1 ms. Got: " + commitInterval);
            }
            if (commitRecords < 1) {
                throw new IllegalArgumentException(
                        "commitRecords must be at least 1. Got: " + commitRecords);
            }
        }
    }

    private final Settings settings;
    private final EmbeddingIndex index;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final IndexProgress progress = new IndexProgress();
    private final RecordIndexer records;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean commitOnStop = true;

    // Owned by the loop thread.
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<String> waitingFor = new HashSet<>();
    private long nextPartitionRefresh;
    private long lastCommit = System.nanoTime();
    private int uncommittedRecords;
    private boolean uncommittedSwap;
    private Map<TopicPartition, Long> committedOffsets;

    private IndexConsumer(Settings settings, EmbeddingIndex index) {
        this.settings = settings;
        this.index = index;
        this.committedOffsets = index.committedOffsets();
        progress.restored(committedOffsets);
        this.records = new RecordIndexer(index, settings.modelName(), progress);
        Map<String, Object> config = new HashMap<>(settings.kafka());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The index reads the learner's topics; it must not create them with broker defaults.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vicreg-index");
        this.consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "vicreg-index-consumer");
    }

    /**
     * Opens the index in {@code indexDir} and starts consuming into it.
     *
     * @param settings what to read
     * @param indexDir the index directory, created if needed
     * @return the running consumer, which owns the index
     * @throws IllegalStateException if another index holds the directory
     * @throws org.apache.kafka.common.KafkaException for bad consumer settings
     */
    public static IndexConsumer start(Settings settings, Path indexDir) {
        Objects.requireNonNull(settings, "settings must not be null");
        EmbeddingIndex index = EmbeddingIndex.open(indexDir);
        IndexConsumer started;
        try {
            started = new IndexConsumer(settings, index);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        started.thread.start();
        return started;
    }

    /**
     * The index it fills.
     *
     * @return the index, open until {@link #close()}
     */
    public EmbeddingIndex index() {
        return index;
    }

    /**
     * What it has done so far.
     *
     * @return the progress, updated as it goes
     */
    public IndexProgress progress() {
        return progress;
    }

    /**
     * Stops consuming, commits what it has indexed with its offsets, and closes the index. Calling
     * it again does nothing.
     */
    @Override
    public void close() {
        stop();
        index.close();
    }

    /** Stops like a crash: without the last commit; the index keeps its previous one. */
    void crash() {
        commitOnStop = false;
        close();
    }

    private synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        stopSignal.countDown();
        consumer.wakeup();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the index consumer stopped", e);
        }
    }

    private void run() {
        try (consumer) {
            try {
                while (!stopping) {
                    step();
                }
            } catch (WakeupException e) {
                // close() woke the consumer: stop. A batch is taken in whole or not at all, so the
                // positions are those of the records indexed.
            }
            if (commitOnStop && !assigned.isEmpty()) {
                Map<TopicPartition, Long> positions = positions();
                if (changedSinceCommit(positions)) {
                    commit(positions);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error(
                    "The index consumer stopped on a failure; what it did after its last commit is"
                            + " read again at the next start",
                    e);
            progress.failed(e);
        }
    }

    /** One poll: index its records, swap if a version is ready, commit when due. */
    private void step() throws InterruptedException {
        refreshPartitions();
        if (assigned.isEmpty()) {
            stopSignal.await(PARTITION_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (record.topic().equals(settings.embeddingsTopic())) {
                records.embedding(record);
            } else {
                records.versionEvent(record);
            }
        }
        uncommittedRecords += batch.count();
        if (!batch.isEmpty()) {
            swapIfReady();
        }
        Map<TopicPartition, Long> positions = positions();
        progress.positions(positions);
        if (commitDue() && changedSinceCommit(positions)) {
            commit(positions);
        }
    }

    /** Assigns partitions of the two topics that are new since the last look, every few seconds. */
    private void refreshPartitions() {
        if (System.nanoTime() - nextPartitionRefresh < 0) {
            return;
        }
        nextPartitionRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
        Set<TopicPartition> found = new HashSet<>(assigned);
        for (String topic : List.of(settings.embeddingsTopic(), settings.modelVersionsTopic())) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic);
            } catch (TimeoutException e) {
                // The cluster is away for a moment; what is assigned is read on, the rest later.
                log.warn(
                        "No metadata of topic [{}] yet: {}; looking again soon",
                        topic,
                        e.getMessage());
                return;
            }
            if (partitions == null || partitions.isEmpty()) {
                if (waitingFor.add(topic)) {
                    log.info(
                            "Waiting for topic [{}]: it does not exist yet; looking again every {} s",
                            topic,
                            PARTITION_REFRESH.toSeconds());
                }
                continue;
            }
            partitions.forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
        }
        if (found.equals(assigned)) {
            return;
        }
        Set<TopicPartition> added = new HashSet<>(found);
        added.removeAll(assigned);
        consumer.assign(found);
        for (TopicPartition tp : added) {
            Long offset = committedOffsets.get(tp);
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset);
            }
            log.info(
                    "Reading partition=[{}] from offset=[{}]",
                    tp,
                    offset == null ? "the beginning" : offset);
        }
        assigned.addAll(added);
    }

    private void swapIfReady() {
        Long before = index.versionsState().serving();
        Long swapped = index.refreshAndSwap();
        if (swapped != null) {
            uncommittedSwap = true;
            log.info(
                    "Serving model version {} (was {}): items=[{}]",
                    swapped,
                    before,
                    index.count(swapped));
        }
    }

    private Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : assigned) {
            positions.put(tp, consumer.position(tp));
        }
        return positions;
    }

    private boolean commitDue() {
        return uncommittedRecords >= settings.commitRecords()
                || System.nanoTime() - lastCommit >= settings.commitInterval().toNanos();
    }

    private boolean changedSinceCommit(Map<TopicPartition, Long> positions) {
        return uncommittedSwap || uncommittedRecords > 0 || !positions.equals(committedOffsets);
    }

    private void commit(Map<TopicPartition, Long> positions) {
        index.commit(positions);
        committedOffsets = Map.copyOf(positions);
        progress.committed(committedOffsets);
        lastCommit = System.nanoTime();
        uncommittedRecords = 0;
        uncommittedSwap = false;
    }
}
