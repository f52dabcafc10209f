package io.github.vicregstreams.bench;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.topology.LearnerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The input {@link SystemBenchmark} sends the learner: pre-encoded pairs with a placeholder id, so
 * that producing costs no JSON work per event — two view events each for the views topic, or one
 * pair event for the pair-events topic with {@code --input=pair-events}, or one pair event in the
 * binary form with {@code --input=pair-events-binary} (encoded as it is sent: the form has no
 * placeholder to replace, and writing it is a copy).
 */
final class PairTraffic {

    /** How many distinct pairs are encoded; the pairs sent cycle through them. */
    private static final int DISTINCT_PAIRS = 512;

    private static final String ID_PLACEHOLDER = "@@@@@@@@";

    private final String bootstrap;
    private final Map<String, Object> producerConfigs;
    private final String topic;
    private final List<byte[][]> encoded;

    /** The pairs' features for the binary form, which is written per send; null otherwise. */
    private final List<float[][]> binaryFeatures;

    private final Serializer<PairEvent> binary;

    /**
     * Encodes the pairs for the learner of {@code config}.
     *
     * @param dim the features of each view
     * @param pairEvents one pair event a pair instead of two view events
     * @param binaryForm with {@code pairEvents}, in the binary form rather than JSON
     */
    PairTraffic(
            String bootstrap,
            LearnerConfig config,
            int dim,
            boolean pairEvents,
            boolean binaryForm) {
        this.bootstrap = bootstrap;
        this.producerConfigs = config.producerConfigs();
        this.topic = pairEvents ? config.topics().pairEvents() : config.topics().views();
        // Only the form that is sent is encoded.
        this.encoded = binaryForm ? List.of() : encode(dim, DISTINCT_PAIRS, pairEvents);
        this.binary = EventSerdes.binaryPairEvents(FeatureEventParser.pairs(dim)).serializer();
        this.binaryFeatures = binaryForm ? features(dim, DISTINCT_PAIRS) : null;
    }

    /** The traffic {@code --input} asks for. */
    static PairTraffic of(
            SystemBenchOptions options, String bootstrap, LearnerConfig config, int dim) {
        return new PairTraffic(
                bootstrap, config, dim, options.pairEvents(), options.binaryPairEvents());
    }

    /** Sends pairs {@code idPrefix0 …} through a producer of its own, waiting for their acks. */
    void produce(String idPrefix, int pairs) {
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 0; i < pairs; i++) {
                send(p, i, idPrefix + i);
            }
        }
    }

    /** One pair's records, the {@code i}th of the encoded ones with the id {@code id}. */
    void send(KafkaProducer<byte[], byte[]> producer, int i, String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        if (binaryFeatures != null) {
            float[][] pair = binaryFeatures.get(i % binaryFeatures.size());
            PairEvent event = new PairEvent(id, pair[0], pair[1], null, null);
            producer.send(new ProducerRecord<>(topic, key, binary.serialize(topic, event)));
            return;
        }
        for (byte[] record : encoded.get(i % encoded.size())) {
            producer.send(new ProducerRecord<>(topic, key, withId(record, id)));
        }
    }

    /** A producer for {@link #send}: batches of up to 256 KiB after 5 ms, no compression. */
    KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>(producerConfigs);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<byte[][]> encode(int dim, int count, boolean pairEvents) {
        Serializer<ViewEvent> views =
                EventSerdes.viewEvents(
                                FeatureEventParser.views(dim), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        Serializer<PairEvent> pairs =
                EventSerdes.pairEvents(
                                FeatureEventParser.pairs(dim), FeatureEncoding.FLOAT32_BASE64)
                        .serializer();
        List<byte[][]> encoded = new ArrayList<>(count);
        for (float[][] features : features(dim, count)) {
            encoded.add(
                    pairEvents
                            ? new byte[][] {
                                pairs.serialize(
                                        null,
                                        new PairEvent(
                                                ID_PLACEHOLDER,
                                                features[0],
                                                features[1],
                                                null,
                                                null))
                            }
                            : new byte[][] {
                                views.serialize(
                                        null,
                                        new ViewEvent(ID_PLACEHOLDER, 0, features[0], null, null)),
                                views.serialize(
                                        null,
                                        new ViewEvent(ID_PLACEHOLDER, 1, features[1], null, null))
                            });
        }
        return encoded;
    }

    /** The same pairs of features in every form: uniform views, from one seed. */
    private static List<float[][]> features(int dim, int count) {
        Random random = new Random(3);
        List<float[][]> features = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            features.add(RandomMatrices.uniform(random, 2, dim));
        }
        return features;
    }

    private static byte[] withId(byte[] encoded, String id) {
        String json = new String(encoded, StandardCharsets.UTF_8);
        return json.replace(ID_PLACEHOLDER, id).getBytes(StandardCharsets.UTF_8);
    }
}
