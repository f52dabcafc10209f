package io.github.vicregstreams.bench;

import io.github.vicregstreams.data.Augmentations;
import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.FashionMnist;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.data.ViewPair;
import io.github.vicregstreams.eval.KnnClassifier;
import io.github.vicregstreams.events.CheckpointChunks;
import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.index.IndexConsumer;
import io.github.vicregstreams.index.Neighbour;
import io.github.vicregstreams.kafka.EmbeddedKafkaBroker;
import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.topology.LearnerTopology;
import io.github.vicregstreams.topology.TopicSetup;
import io.github.vicregstreams.vicreg.InferenceModel;
import io.github.vicregstreams.vicreg.ModelWeights;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Neighbour quality of the served version, against a fresh offline embedding with the same
 * checkpoint: the learner (default MLP, versions on) trains on Fashion-MNIST pair events until its
 * first version, backfills the train images as items, and the reference consumer ({@code index})
 * serves them; then kNN (k=20, cosine, similarity-weighted vote, as {@link KnnClassifier}) of test
 * images against the index, and against the train images embedded offline by the version's
 * checkpoint. Also the recall@20 of the index's neighbours against the exact ones.
 *
 * <p>Arguments (all optional): {@code --items=10000 --queries=2000 --steps=40 --data=DIR
 * --out=FILE}. Needs Fashion-MNIST (Debian package {@code dataset-fashion-mnist}).
 */
public final class VersionedIndexQualityBenchmark {

    private static final int K = KnnClassifier.DEFAULT_K;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private VersionedIndexQualityBenchmark() {}

    /**
     * Runs the benchmark and prints the result; writes JSON when {@code --out} is given.
     *
     * @param args see the class comment
     * @throws Exception if the data cannot be read, or the broker or index fail
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.parse(args);
        int items = Integer.parseInt(options.getOrDefault("items", "10000"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "2000"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "40"));
        Path data = Path.of(options.getOrDefault("data", FashionMnist.DEFAULT_DIR.toString()));
        Dataset train = FashionMnist.load(data, Split.TRAIN).head(items);
        Dataset test = FashionMnist.load(data, Split.TEST).head(queries);
        Path dir = Files.createTempDirectory("index-quality-bench");
        String prefix = "quality-" + System.nanoTime();
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.APPLICATION_ID_CONFIG, prefix);
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, train.featureDim());
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        settings.put(LearnerConfig.TOPIC_PARTITIONS_CONFIG, 1);
        settings.put(LearnerConfig.EMBEDDING_FORMAT_CONFIG, "f32");
        settings.put(LearnerConfig.MODEL_VERSION_INTERVAL_STEPS_CONFIG, (long) steps);
        settings.put(LearnerConfig.CHECKPOINT_INTERVAL_STEPS_CONFIG, steps);
        settings.putAll(BenchLearner.topicsUnder(prefix));
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        LearnerConfig config = LearnerConfig.of(settings);

        Map<String, Object> report = BenchReport.start("versioned-index-quality");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            new TopicSetup(config).apply(bootstrap, Duration.ofSeconds(30));
            KafkaStreams streams =
                    new KafkaStreams(
                            LearnerTopology.build(config), config.streamsProperties(bootstrap));
            IndexConsumer.Settings indexSettings =
                    new IndexConsumer.Settings(
                            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                            config.topics().embeddings(),
                            config.topics().modelVersions(),
                            config.modelName(),
                            Duration.ofSeconds(1),
                            5_000);
            try (IndexConsumer index = IndexConsumer.start(indexSettings, dir.resolve("index"))) {
                streams.start();
                long start = System.nanoTime();
                produceItems(bootstrap, config, train);
                producePairs(bootstrap, config, train, steps * config.batchSize());
                if (!index.index().awaitServing(1, TIMEOUT)) {
                    throw new IllegalStateException("The index did not serve version 1 in time");
                }
                double loopSeconds = (System.nanoTime() - start) / 1e9;
                byte[] checkpoint = versionCheckpoint(bootstrap, config, 1);
                measure(report, index, config, checkpoint, train, test);
                report.put("items", items);
                report.put("queries", queries);
                report.put("steps", steps);
                report.put("secondsToServeVersion1", Math.round(loopSeconds * 10) / 10.0);
            } finally {
                streams.close(
                        CloseOptions.timeout(Duration.ofSeconds(30))
                                .withGroupMembershipOperation(
                                        CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            }
        }
        System.out.println(BenchReport.toJson(report));
        String out = options.get("out");
        if (out != null) {
            BenchReport.write(Path.of(out), report);
        }
    }

    private static void measure(
            Map<String, Object> report,
            IndexConsumer index,
            LearnerConfig config,
            byte[] checkpoint,
            Dataset train,
            Dataset test) {
        float[][] trainEmbeddings;
        float[][] testEmbeddings;
        try (InferenceModel model =
                InferenceModel.create(
                        ModelWeights.fromCheckpoint(checkpoint, config.modelSpec()),
                        config.device())) {
            trainEmbeddings = embed(model, train.featureMatrix());
            testEmbeddings = embed(model, test.featureMatrix());
        }
        int[] trainLabels = train.labels().orElseThrow();
        int[] testLabels = test.labels().orElseThrow();
        int[] offline = new KnnClassifier(K).predict(trainEmbeddings, trainLabels, testEmbeddings);
        int classes = Arrays.stream(trainLabels).max().orElseThrow() + 1;
        int[] served = new int[testEmbeddings.length];
        double recall = 0;
        for (int q = 0; q < testEmbeddings.length; q++) {
            List<Neighbour> neighbours = index.index().search(1, testEmbeddings[q], K);
            double[] votes = new double[classes];
            Set<Integer> found = new HashSet<>();
            for (Neighbour n : neighbours) {
                int row = Integer.parseInt(n.id().substring("train-".length()));
                votes[trainLabels[row]] += n.score();
                found.add(row);
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (votes[c] > votes[best]) {
                    best = c;
                }
            }
            served[q] = best;
            found.retainAll(exactNeighbours(trainEmbeddings, testEmbeddings[q]));
            recall += found.size() / (double) K;
        }
        int agree = 0;
        int offlineRight = 0;
        int servedRight = 0;
        for (int q = 0; q < served.length; q++) {
            agree += served[q] == offline[q] ? 1 : 0;
            offlineRight += offline[q] == testLabels[q] ? 1 : 0;
            servedRight += served[q] == testLabels[q] ? 1 : 0;
        }
        int n = served.length;
        report.put("servedVersionItems", index.index().count(1));
        report.put("knnAccuracyServed", servedRight / (double) n);
        report.put("knnAccuracyOffline", offlineRight / (double) n);
        report.put("predictionAgreement", agree / (double) n);
        report.put("recallAt20", recall / n);
        System.out.printf(
                Locale.ROOT,
                "kNN k=%d on %d test images against %d items: served version %.4f, offline %.4f,"
                        + " same prediction %.4f, recall@%d %.4f%n",
                K,
                n,
                trainEmbeddings.length,
                servedRight / (double) n,
                offlineRight / (double) n,
                agree / (double) n,
                K,
                recall / n);
    }

    /** The rows of the k items most cosine-similar to {@code query}, exactly. */
    private static Set<Integer> exactNeighbours(float[][] items, float[] query) {
        double[] similarity = new double[items.length];
        double queryNorm = norm(query);
        for (int i = 0; i < items.length; i++) {
            double dot = 0;
            for (int j = 0; j < query.length; j++) {
                dot += items[i][j] * query[j];
            }
            similarity[i] = dot / (norm(items[i]) * queryNorm);
        }
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(similarity[b], similarity[a]));
        return new HashSet<>(Arrays.asList(order).subList(0, Math.min(K, order.length)));
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.max(Math.sqrt(sum), 1e-12);
    }

    private static float[][] embed(InferenceModel model, float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int from = 0; from < rows.length; from += 256) {
            int to = Math.min(rows.length, from + 256);
            float[][] batch = model.embed(Arrays.copyOfRange(rows, from, to));
            System.arraycopy(batch, 0, out, from, batch.length);
        }
        return out;
    }

    /** Version {@code version}'s checkpoint, read back from the model topic. */
    private static byte[] versionCheckpoint(String bootstrap, LearnerConfig config, long version) {
        String versionModel = config.modelName() + "@v" + version;
        CheckpointChunks.Assembler assembler = new CheckpointChunks.Assembler(versionModel);
        Map<String, Object> props = new HashMap<>(config.consumerConfigs());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        props,
                        new StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(config.topics().model(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null || !CheckpointChunks.belongsTo(versionModel, r.key())) {
                        continue;
                    }
                    if (assembler.accept(r.key(), r.value(), r.headers())
                            instanceof CheckpointChunks.Assembler.Complete complete) {
                        return complete.checkpoint();
                    }
                }
            }
        }
        throw new IllegalStateException("No checkpoint of " + versionModel + " on the model topic");
    }

    private static void produceItems(String bootstrap, LearnerConfig config, Dataset train) {
        var serializer =
                EventSerdes.sampleEvents(
                                FeatureEventParser.samples(train.featureDim()),
                                FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, config)) {
            for (int i = 0; i < train.rows(); i++) {
                String id = "train-" + i;
                producer.send(
                        new ProducerRecord<>(
                                config.topics().samples(),
                                id.getBytes(StandardCharsets.UTF_8),
                                serializer.serialize(
                                        null, new SampleEvent(id, train.features(i), null, null))));
            }
        }
    }

    private static void producePairs(
            String bootstrap, LearnerConfig config, Dataset train, int pairs) {
        var serializer =
                EventSerdes.pairEvents(
                                FeatureEventParser.pairs(train.featureDim()),
                                FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        ViewGenerator views =
                ViewGenerator.symmetric(
                        Augmentations.defaultsFor(train), config.trainerConfig().seed());
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, config)) {
            for (int i = 0; i < pairs; i++) {
                String id = "pair-" + i;
                ViewPair pair = views.views(train.features(i % train.rows()), i);
                producer.send(
                        new ProducerRecord<>(
                                config.topics().pairEvents(),
                                id.getBytes(StandardCharsets.UTF_8),
                                serializer.serialize(
                                        null,
                                        new PairEvent(
                                                id, pair.first(), pair.second(), null, null))));
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, LearnerConfig config) {
        Map<String, Object> props = new HashMap<>(config.producerConfigs());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
