package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.kafka.EmbeddedBrokerExtension;
import io.github.vicregstreams.topology.LearnerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProduceCommandTest {

    @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldSendCountPairsTimesPassesAsTwoViewsEachWithIdsAndMetadata() {
        String views = "views-" + UUID.randomUUID();
        // Given 5 synthetic samples (64 features), streamed twice
        CliRun run = produceSynthetic("--count", "5", "--passes", "2", "topic.views=" + views);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Sent 10 pairs (20 views)");
        List<ConsumerRecord<String, byte[]>> records = consume(views, 20);
        assertThat(records).hasSize(20);
        // Then: view 0 and view 1 of each sample back to back, keyed by <split>-<index>-p<pass>
        var parser =
                EventSerdes.viewEvents(
                        FeatureEventParser.views(64), FeatureEncoding.FLOAT32_BASE64);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ViewEvent event = parser.deserializer().deserialize(views, records.get(i).value());
            assertThat(event.id()).isEqualTo(records.get(i).key());
            assertThat(event.view()).isEqualTo(i % 2);
            assertThat(event.featureCount()).isEqualTo(64);
            keys.add(records.get(i).key());
        }
        assertThat(keys)
                .startsWith("train-0-p0", "train-0-p0", "train-1-p0")
                .endsWith("train-4-p1");
        ViewEvent first = parser.deserializer().deserialize(views, records.get(0).value());
        assertThat(first.metadata().json()).matches("\\{\"label\":\\d+,\"index\":0}");
        // Written in a transaction, so that a failure never leaves half a pair: its commit marker
        // takes an offset of its own after the 20 views in each partition written to.
        assertThat(endOffsets(views)).isGreaterThan(20);
    }

    @Test
    void shouldSendEachPairAsOnePairEventWithPairEvents() {
        String pairEvents = "pair-events-" + UUID.randomUUID();
        CliRun run =
                produceSynthetic(
                        "--count", "3", "--pair-events", "topic.pair-events=" + pairEvents);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Sent 3 pairs (3 pair events)");
        List<ConsumerRecord<String, byte[]>> records = consume(pairEvents, 3);
        var parser = FeatureEventParser.pairs(64);
        assertThat(records).hasSize(3);
        for (ConsumerRecord<String, byte[]> record : records) {
            Parsed<PairEvent> parsed =
                    parser.parse(record.key().getBytes(StandardCharsets.UTF_8), record.value());
            assertThat(parsed).isInstanceOf(Parsed.Accepted.class);
            // two different augmentations of the same sample
            assertThat(parsed.value().view0()).hasSize(64).isNotEqualTo(parsed.value().view1());
        }
    }

    @Test
    void shouldSendPairEventsAndSamplesInTheBinaryFormThatTheLearnerReadsAsTheJsonOne() {
        String pairEvents = "pair-events-" + UUID.randomUUID();
        String samples = "samples-" + UUID.randomUUID();
        CliRun run =
                produceSynthetic(
                        "--count",
                        "3",
                        "--pair-events",
                        "--samples",
                        "--format",
                        "binary",
                        "topic.pair-events=" + pairEvents,
                        "topic.samples=" + samples);

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<ConsumerRecord<String, byte[]>> records = consume(pairEvents, 3);
        var parser = FeatureEventParser.pairs(64);
        for (ConsumerRecord<String, byte[]> record : records) {
            assertThat(record.value()[0]).as("the binary form's first byte").isZero();
            Parsed<PairEvent> parsed =
                    parser.parse(record.key().getBytes(StandardCharsets.UTF_8), record.value());
            assertThat(parsed).isInstanceOf(Parsed.Accepted.class);
            assertThat(parsed.value().metadata().json()).contains("\"label\"");
        }
        var sampleParser = FeatureEventParser.samples(64);
        for (ConsumerRecord<String, byte[]> record : consume(samples, 3)) {
            assertThat(record.value()[0]).as("the binary form's first byte").isZero();
            Parsed<SampleEvent> parsed =
                    sampleParser.parse(
                            record.key().getBytes(StandardCharsets.UTF_8), record.value());
            assertThat(parsed).isInstanceOf(Parsed.Accepted.class);
            assertThat(parsed.value().featureCount()).isEqualTo(64);
        }
    }

    @Test
    void shouldRefuseTheBinaryFormForViewsNamingTheFix() {
        CliRun run = produceSynthetic("--format", "binary");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--format binary needs --pair-events");
    }

    @Test
    void shouldSendTheSamplesClassByClassWhenTheOrderIsSorted() {
        String views = "views-" + UUID.randomUUID();
        CliRun run = produceSynthetic("--count", "30", "--order", "sorted", "topic.views=" + views);

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<ConsumerRecord<String, byte[]>> records = consume(views, 60);
        var parser =
                EventSerdes.viewEvents(
                        FeatureEventParser.views(64), FeatureEncoding.FLOAT32_BASE64);
        List<Integer> labels = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String metadata =
                    parser.deserializer().deserialize(views, record.value()).metadata().json();
            labels.add(Integer.parseInt(metadata.replaceAll(".*\"label\":(\\d+).*", "$1")));
        }
        // Then the 30 samples' labels never go down, and more than one class is streamed
        assertThat(labels).hasSize(60).isSorted();
        assertThat(labels.get(0)).isLessThan(labels.get(labels.size() - 1));
    }

    @Test
    void shouldExitWith2NamingTheOrdersWhenTheOrderIsUnknown() {
        CliRun run = produceSynthetic("--order", "shuffled");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--order must be one of file, sorted. Got: shuffled");
    }

    @Test
    void shouldSendTheSamplesAtEveryPassAndNoViewsForALearnerThatDrawsItsOwnViews()
            throws Exception {
        String samples = "samples-" + UUID.randomUUID();
        var data = io.github.vicregstreams.data.SyntheticDataset.builder().optRows(3).generate();
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(
                        Map.of("bootstrap.servers", broker.get().bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new org.apache.kafka.clients.admin.NewTopic(
                                            samples, 1, (short) 1)))
                    .all()
                    .get();
        }
        try (PairProducer producer =
                new PairProducer(
                        broker.get().bootstrapServers(),
                        data.featureDim(),
                        FeatureEncoding.FLOAT32_BASE64,
                        Map.of(),
                        null,
                        PairProducer.jsonSamples(
                                data.featureDim(), FeatureEncoding.FLOAT32_BASE64))) {
            long sent =
                    producer.send(
                            data, "train", null, 3, 2, 0, null, samples, n -> {}, () -> false);
            assertThat(sent).isEqualTo(6);
        }

        List<ConsumerRecord<String, byte[]>> records = consume(samples, 6);
        assertThat(records)
                .extracting(ConsumerRecord::key)
                .containsExactly("train-0", "train-1", "train-2", "train-0", "train-1", "train-2");
        var parser = FeatureEventParser.samples(data.featureDim());
        Parsed<io.github.vicregstreams.events.SampleEvent> first =
                parser.parse(
                        records.get(0).key().getBytes(StandardCharsets.UTF_8),
                        records.get(0).value());
        assertThat(first.value().features()).containsExactly(data.features(0)); // un-augmented
    }

    /** {@code produce} of 50 synthetic samples (64 features) to the test broker, and more. */
    private static CliRun produceSynthetic(String... arguments) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                broker.get().bootstrapServers(),
                                "--dataset",
                                "synthetic:50"));
        all.addAll(List.of(arguments));
        return produce(all.toArray(String[]::new));
    }

    /**
     * {@code produce} with the arguments, every topic of the learner under a name of its own (the
     * arguments may name some of them), so that tests never share one.
     */
    private static CliRun produce(String... arguments) {
        List<String> all = new ArrayList<>(List.of("produce"));
        all.addAll(List.of(arguments));
        for (String key :
                LearnerConfig.of(Map.of("model.input.dim", 1)).topics().byKey().keySet()) {
            if (all.stream().noneMatch(a -> a.startsWith(key + "="))) {
                all.add(key + "=" + key.substring("topic.".length()) + "-" + UUID.randomUUID());
            }
        }
        return CliRun.of(all.toArray(String[]::new));
    }

    private static long endOffsets(String topic) {
        Map<String, Object> config =
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.get().bootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(
                                    p ->
                                            new org.apache.kafka.common.TopicPartition(
                                                    topic, p.partition()))
                            .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.get().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
