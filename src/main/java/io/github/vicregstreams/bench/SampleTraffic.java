package io.github.vicregstreams.bench;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.LearnerTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the benchmarks of the samples path ({@link InferenceBenchmark}, {@link BackfillBenchmark})
 * share: a learner of their own on one partition, the samples they send it, and the rate of the
 * embeddings that come out.
 */
final class SampleTraffic {

    /** How many distinct feature rows the samples cycle through. */
    static final int DISTINCT_SAMPLES = 64;

    private SampleTraffic() {}

    /** Embeddings per second from the first counted embedding to the last, and that span. */
    record Rate(double perSecond, double seconds) {}

    /**
     * Told when the timed span opens (the first counted embedding read) and when it closes (the
     * last), so that a benchmark can measure what the learner spent over exactly that span.
     */
    interface Span {
        void opened();

        void closed();
    }

    /** A span nobody watches. */
    private static final Span UNWATCHED =
            new Span() {
                @Override
                public void opened() {}

                @Override
                public void closed() {}
            };

    /**
     * A learner of {@code inputDim} features on the CPU, one partition, with topics, application id
     * and state directory of its own under {@code prefix}, and {@code more} settings.
     */
    static LearnerConfig config(Path dir, String prefix, int inputDim, Map<String, Object> more) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.APPLICATION_ID_CONFIG, prefix);
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, inputDim);
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        settings.put(LearnerConfig.TOPIC_PARTITIONS_CONFIG, 1);
        settings.putAll(BenchLearner.topicsUnder(prefix));
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(prefix).toString());
        settings.putAll(more);
        return LearnerConfig.of(settings);
    }

    /**
     * {@code count} sample events as float32 JSON, ids {@code s0, s1, …}, their features cycling
     * through the rows of {@code features}.
     */
    static List<byte[]> samples(float[][] features, int count) {
        return samples(features, count, false);
    }

    /**
     * {@code count} sample events, as float32 JSON or in their binary form, ids {@code s0, s1, …},
     * their features cycling through the rows of {@code features}.
     */
    static List<byte[]> samples(float[][] features, int count, boolean binary) {
        FeatureEventParser<SampleEvent> parser = FeatureEventParser.samples(features[0].length);
        var serializer =
                (binary
                                ? EventSerdes.binarySampleEvents(parser)
                                : EventSerdes.sampleEvents(parser, FeatureEncoding.FLOAT32_BASE64))
                        .serializer();
        List<byte[]> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(
                    serializer.serialize(
                            null,
                            new SampleEvent("s" + i, features[i % features.length], null, null)));
        }
        return values;
    }

    /**
     * Sends {@code values} to {@code topic}, keyed {@code s0, s1, …}, and waits for every ack.
     *
     * @throws IllegalStateException if a send failed
     */
    static void produce(String bootstrap, LearnerConfig config, String topic, List<byte[]> values) {
        Map<String, Object> props = new HashMap<>(config.producerConfigs());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // Without idempotence: on the embedded broker, the idempotent producer of a later round was
        // now and then stuck retrying OutOfOrderSequenceException until its buffer ran out. A
        // duplicate sample is harmless here (it is embedded again, or replaces the same item); a
        // lost one is caught below.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < values.size(); i++) {
                byte[] key = ("s" + i).getBytes(StandardCharsets.UTF_8);
                producer.send(
                        new ProducerRecord<>(topic, key, values.get(i)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        // A lost send would otherwise show up minutes later as embeddings that never arrive.
        if (failure.get() != null) {
            throw new IllegalStateException("producing to " + topic + " failed", failure.get());
        }
    }

    /**
     * Reads embeddings until {@code expected} of them pass {@code counted}, and times them from the
     * first counted one to the last.
     *
     * @throws IllegalStateException if fewer arrive within {@code timeout}
     */
    private static Rate rate(
            KafkaConsumer<byte[], byte[]> consumer,
            int expected,
            Predicate<byte[]> counted,
            Duration timeout,
            Span span) {
        long first = -1;
        long last = -1;
        int seen = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen < expected && System.nanoTime() < deadline) {
            int n = 0;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                if (counted.test(record.value())) {
                    n++;
                }
            }
            if (n > 0) {
                long now = System.nanoTime();
                if (first < 0) {
                    first = now;
                    span.opened();
                }
                last = now;
                seen += n;
            }
        }
        if (seen < expected) {
            throw new IllegalStateException(
                    "Only " + seen + " of " + expected + " embeddings within " + timeout);
        }
        span.closed();
        double seconds = (last - first) / 1e9;
        return new Rate(expected / seconds, seconds);
    }

    /** What a run does once the learner has started, before its embeddings are counted. */
    @FunctionalInterface
    interface Started {
        void run(KafkaStreams streams) throws InterruptedException;
    }

    /**
     * Starts the learner of {@code config}, runs {@code started}, and times its first {@code
     * expected} embeddings that pass {@code counted} ({@link #rate}); then closes the learner.
     */
    static Rate run(
            String bootstrap,
            LearnerConfig config,
            Started started,
            int expected,
            Predicate<byte[]> counted,
            Duration timeout)
            throws InterruptedException {
        return run(bootstrap, config, started, expected, counted, timeout, UNWATCHED);
    }

    /** {@link #run}, telling {@code span} when the timed span opens and closes. */
    static Rate run(
            String bootstrap,
            LearnerConfig config,
            Started started,
            int expected,
            Predicate<byte[]> counted,
            Duration timeout,
            Span span)
            throws InterruptedException {
        KafkaStreams streams =
                new KafkaStreams(
                        LearnerTopology.build(config), config.streamsProperties(bootstrap));
        try (KafkaConsumer<byte[], byte[]> consumer =
                BenchLearner.embeddingsReader(bootstrap, config, new ByteArrayDeserializer())) {
            streams.start();
            started.run(streams);
            return rate(consumer, expected, counted, timeout, span);
        } finally {
            close(streams);
        }
    }

    /** Closes a learner's Kafka Streams, leaving its group so that the next round starts clean. */
    private static void close(KafkaStreams streams) {
        streams.close(
                CloseOptions.timeout(Duration.ofSeconds(30))
                        .withGroupMembershipOperation(
                                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
