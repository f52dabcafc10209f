package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.data.ViewPair;
import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.kafka.TopicCreator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Streams a dataset to the views topic as pairs of augmented views: for each sample, view 0 and
 * view 1 back to back under the key {@code <split>-<index>-p<pass>}, with metadata {@code
 * {"label":L,"index":I}} — or both in one {@link PairEvent} for the pair-events topic —; optionally
 * the un-augmented sample to the samples topic too.
 *
 * <p>Transactional, {@value #PAIRS_PER_TRANSACTION} pairs a transaction: a failed run leaves only
 * whole pairs on the topic, never one view without its partner; and a send waits up to {@value
 * #OUTAGE_TOLERANCE_MS} ms for the cluster, so a broker outage shorter than that is ridden out.
 */
final class PairProducer implements AutoCloseable {

    /**
     * How long a send may wait for the cluster: a broker outage shorter than this is ridden out.
     */
    static final int OUTAGE_TOLERANCE_MS = 300_000;

    /** Pairs per transaction: whole pairs become visible together, a few times a second. */
    static final int PAIRS_PER_TRANSACTION = 500;

    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<ViewEvent> views;

    /** Set when each pair goes out as one pair event instead of two views. */
    private final Serializer<PairEvent> pairEvents;

    private final Serializer<SampleEvent> samples;
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private final Callback callback =
            (metadata, exception) -> {
                if (exception != null) {
                    firstError.compareAndSet(null, exception);
                }
            };

    /**
     * @param bootstrapServers the cluster
     * @param inputDim the feature count (for the serializers' parsers)
     * @param encoding how the views are written
     * @param clientSettings extra producer settings (security and the like)
     * @param pairEvents writes each pair as one pair event, or null to send two view events
     * @param samples writes the samples for the samples topic
     */
    PairProducer(
            String bootstrapServers,
            int inputDim,
            FeatureEncoding encoding,
            Map<String, Object> clientSettings,
            Serializer<PairEvent> pairEvents,
            Serializer<SampleEvent> samples) {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        // Room for the largest record the learner accepts (events.max.record.bytes at its most).
        config.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DeadLetter.MAX_RECORD_BYTES);
        // Ride out a broker outage of a few minutes instead of giving up after 30 s.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, OUTAGE_TOLERANCE_MS);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, OUTAGE_TOLERANCE_MS);
        // Both views of a pair commit together: a failure never leaves half a pair behind for the
        // learner (which reads read_committed) to dead-letter as an orphan.
        config.putIfAbsent(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vicreg-produce-" + UUID.randomUUID());
        TopicCreator.NEW_TOPIC_PRODUCER_SETTINGS.forEach(config::putIfAbsent);
        this.producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        this.views =
                EventSerdes.viewEvents(FeatureEventParser.views(inputDim), encoding).serializer();
        this.pairEvents = pairEvents;
        this.samples = Objects.requireNonNull(samples, "samples must not be null");
    }

    /**
     * The usual writer of samples: JSON, features in {@code encoding}.
     *
     * @param inputDim the feature count (for the serializer's parser)
     * @param encoding how features are written
     * @return the serializer
     */
    static Serializer<SampleEvent> jsonSamples(int inputDim, FeatureEncoding encoding) {
        return EventSerdes.sampleEvents(FeatureEventParser.samples(inputDim), encoding)
                .serializer();
    }

    /**
     * Sends {@code count} samples of {@code data}, {@code passes} times, as pairs.
     *
     * @param generator the views of each sample; unused without a views topic
     * @param viewsTopic where views (or pair events) go; null for none: then the samples go to the
     *     samples topic at every pass, for a learner that draws their views itself ({@code
     *     train.source=samples})
     * @param samplesTopic where un-augmented samples go (at the first pass only, with a views
     *     topic), or null for none
     * @param rate pairs per second at most, 0 for no limit
     * @param onPair told the number of pairs sent so far, after each pair
     * @param stop checked before each pair; true ends the stream early
     * @return the number of pairs sent
     * @throws KafkaException if a send failed
     * @throws InterruptedException if interrupted while waiting for the rate limit
     */
    long send(
            Dataset data,
            String idPrefix,
            ViewGenerator generator,
            int count,
            int passes,
            double rate,
            String viewsTopic,
            String samplesTopic,
            LongConsumer onPair,
            BooleanSupplier stop)
            throws InterruptedException {
        Objects.requireNonNull(data, "data must not be null");
        int rows = Math.min(count, data.rows());
        long sent;
        long started = System.nanoTime();
        double nanosPerPair = rate > 0 ? 1e9 / rate : 0;
        producer.beginTransaction();
        try {
            sent =
                    sendPairs(
                            data,
                            idPrefix,
                            generator,
                            rows,
                            passes,
                            nanosPerPair,
                            started,
                            viewsTopic,
                            samplesTopic,
                            onPair,
                            stop);
            producer.commitTransaction();
        } catch (KafkaException | InterruptedException e) {
            abort();
            throw e;
        }
        throwIfFailed();
        return sent;
    }

    private long sendPairs(
            Dataset data,
            String idPrefix,
            ViewGenerator generator,
            int rows,
            int passes,
            double nanosPerPair,
            long started,
            String viewsTopic,
            String samplesTopic,
            LongConsumer onPair,
            BooleanSupplier stop)
            throws InterruptedException {
        long sent = 0;
        for (int pass = 0; pass < passes; pass++) {
            for (int index = 0; index < rows; index++) {
                if (stop.getAsBoolean()) {
                    return sent;
                }
                throwIfFailed();
                if (sent > 0 && sent % PAIRS_PER_TRANSACTION == 0) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
                if (nanosPerPair > 0) {
                    long due = started + (long) (sent * nanosPerPair);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                float[] features = data.features(index);
                Metadata metadata = metadata(data, index);
                String id = idPrefix + "-" + index + "-p" + pass;
                long now = System.currentTimeMillis();
                if (viewsTopic != null) {
                    ViewPair pair = generator.views(features, (long) pass * rows + index);
                    sendViews(viewsTopic, id, pair, now, metadata);
                }
                if (samplesTopic != null && (pass == 0 || viewsTopic == null)) {
                    String sampleId = idPrefix + "-" + index;
                    SampleEvent sample = new SampleEvent(sampleId, features, now, metadata);
                    producer.send(
                            new ProducerRecord<>(
                                    samplesTopic,
                                    sampleId,
                                    samples.serialize(samplesTopic, sample)),
                            callback);
                }
                sent++;
                onPair.accept(sent);
            }
        }
        return sent;
    }

    /** Sends the two views of a sample: as one pair event, or as two view events. */
    private void sendViews(
            String viewsTopic, String id, ViewPair pair, long now, Metadata metadata) {
        if (pairEvents != null) {
            PairEvent event = new PairEvent(id, pair.view(0), pair.view(1), now, metadata);
            producer.send(
                    new ProducerRecord<>(viewsTopic, id, pairEvents.serialize(viewsTopic, event)),
                    callback);
            return;
        }
        for (int view = 0; view < 2; view++) {
            ViewEvent event = new ViewEvent(id, view, pair.view(view), now, metadata);
            producer.send(
                    new ProducerRecord<>(viewsTopic, id, views.serialize(viewsTopic, event)),
                    callback);
        }
    }

    /**
     * The metadata of sample {@code index}: {@code {"label":L,"index":I}}, with a null label for
     * unlabelled data; the learner carries it into the sample's embeddings, so that they can be
     * scored against the labels.
     */
    static Metadata metadata(Dataset data, int index) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("label", data.hasLabels() ? data.label(index) : null);
        fields.put("index", index);
        return Metadata.of(fields);
    }

    /** Aborts the open transaction: none of its pairs become visible. */
    private void abort() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // A fenced or failed producer cannot abort; its transaction times out on the broker.
            firstError.compareAndSet(null, e);
        }
    }

    private void throwIfFailed() {
        Exception error = firstError.get();
        if (error != null) {
            throw new KafkaException("Sending views failed: " + ErrorHandler.oneLine(error), error);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
