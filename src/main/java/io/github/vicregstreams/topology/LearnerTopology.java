package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.SampleEvent;
import io.github.vicregstreams.events.ViewEvent;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * Builds the learner's topology. Every node and store is named from a constant here, so that
 * changelog topic names never shift when the topology changes.
 *
 * <pre>
 * views-source → validate-views ─┬→ pair-views ─┬→ pairs-sink → (topic.pairs, 1 partition)
 *                                │             └→ dead-letters-sink
 *                                └→ dead-letters-sink
 * pair-events-source → validate-pair-events ─┬→ pair-events-pairs-sink → (topic.pairs)
 *                                            └→ pair-events-dead-letters-sink
 * pairs-source → train ─┬→ embeddings-sink
 *                       ├→ metrics-sink
 *                       ├→ model-sink
 *                       └→ train-dead-letters-sink (pairs with a non-finite embedding)
 * samples-source → embed-samples ─┬→ sample-embeddings-sink
 *                                 ├→ sample-dead-letters-sink
 *                                 └→ sample-pairs-sink → (topic.pairs), with train.source=samples
 * model-source → store-checkpoint → latest-model (global store, read by embed-samples)
 * </pre>
 *
 * <p>With {@code train.source=pair-events} the trainer's task reads the pair-events topic (one
 * partition) itself: no views sub-topology, no pairs topic between.
 *
 * <pre>
 * pair-events-source → validate-pair-events ─┬→ train ─┬→ (the trainer's sinks, as above)
 *                                            └→ pair-events-dead-letters-sink
 * </pre>
 *
 * With model versions on, {@link VersionTopology} adds the backfill and its sinks.
 */
public final class LearnerTopology {

    /** Reads the views topic. */
    public static final String VIEWS_SOURCE = "views-source";

    /** Parses and validates views; rejects go to dead letters. */
    public static final String VALIDATE_VIEWS = "validate-views";

    /** Pairs view 0 and view 1 of each id. */
    public static final String PAIR_VIEWS = "pair-views";

    /** Writes pairs to the single-partition pairs topic. */
    public static final String PAIRS_SINK = "pairs-sink";

    /** Reads the pair-events topic: both views of a sample in one record. */
    public static final String PAIR_EVENTS_SOURCE = "pair-events-source";

    /** Parses and validates pair events; rejects go to dead letters. */
    public static final String VALIDATE_PAIR_EVENTS = "validate-pair-events";

    /**
     * Writes valid pair events to the pairs topic. A sink of its own: sharing {@link #PAIRS_SINK}
     * would merge this sub-topology with the views', and tie the two topics' partitions together.
     */
    public static final String PAIR_EVENTS_PAIRS_SINK = "pair-events-pairs-sink";

    /** Writes dead letters of the pair-events sub-topology. */
    public static final String PAIR_EVENTS_DEAD_LETTERS_SINK = "pair-events-dead-letters-sink";

    /** Reads the pairs topic: the trainer's sub-topology. */
    public static final String PAIRS_SOURCE = "pairs-source";

    /** Batches pairs, trains, publishes embeddings and metrics, checkpoints. */
    public static final String TRAIN = "train";

    /** Writes embeddings. */
    public static final String EMBEDDINGS_SINK = "embeddings-sink";

    /** Writes one metrics event per step. */
    public static final String METRICS_SINK = "metrics-sink";

    /** Writes checkpoints to the compacted model topic. */
    public static final String MODEL_SINK = "model-sink";

    /** Writes dead letters of the views sub-topology. */
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    /**
     * Writes dead letters of the trainer. A sink of its own: one sink shared with the views
     * sub-topology would merge the two, and put a trainer into every views task.
     */
    public static final String TRAIN_DEAD_LETTERS_SINK = "train-dead-letters-sink";

    /** Reads the samples topic: one inference task per partition. */
    public static final String SAMPLES_SOURCE = "samples-source";

    /** Parses samples and embeds them with the latest model; rejects go to dead letters. */
    public static final String EMBED_SAMPLES = "embed-samples";

    /**
     * Writes the embeddings of samples. A sink of its own, like {@link #TRAIN_DEAD_LETTERS_SINK}:
     * sharing the trainer's would merge the samples sub-topology into the trainer's.
     */
    public static final String SAMPLE_EMBEDDINGS_SINK = "sample-embeddings-sink";

    /** Writes dead letters of the samples sub-topology. */
    public static final String SAMPLE_DEAD_LETTERS_SINK = "sample-dead-letters-sink";

    /**
     * Writes valid samples to the pairs topic, for the trainer to draw their views ({@code
     * train.source=samples}). A sink of its own, like {@link #PAIR_EVENTS_PAIRS_SINK}.
     */
    public static final String SAMPLE_PAIRS_SINK = "sample-pairs-sink";

    /** Reads the model topic into the global store, on every instance. */
    public static final String MODEL_SOURCE = "model-source";

    /** Keeps the latest valid checkpoint of the configured model in the global store. */
    public static final String STORE_CHECKPOINT = "store-checkpoint";

    /** Global store: model name → the latest checkpoint, for inference on every partition. */
    public static final String LATEST_MODEL_STORE = "latest-model";

    /** Samples waiting for their forward pass, by arrival sequence (changelogged). */
    public static final String INFERENCE_BUFFER_STORE = "inference-buffer";

    /** Views waiting for their partner, by id. */
    public static final String PENDING_VIEWS_STORE = "pending-views";

    /** The latest checkpoint and the trainer's cursor. */
    public static final String TRAINER_STATE_STORE = "trainer-state";

    /**
     * The largest {@code events.max.record.bytes}: a waiting view keeps its whole input record in a
     * changelogged store, with its source coordinates (topic name up to 249 characters) beside it,
     * so a larger accepted record would be refused by that changelog and stop the stream.
     */
    static final int MAX_INPUT_RECORD_BYTES = LearnerStores.WHOLE_RECORD_MAX_BYTES - 64 * 1024;

    /** The pairing node's names; the processors get theirs from here. */
    static final PairingProcessor.Nodes PAIRING_NODES =
            new PairingProcessor.Nodes(
                    PAIR_VIEWS, PENDING_VIEWS_STORE, PAIRS_SINK, DEAD_LETTERS_SINK);

    static final TrainerNodes TRAINER_NODES =
            new TrainerNodes(
                    TRAIN,
                    TRAINER_STATE_STORE,
                    LATEST_MODEL_STORE,
                    EMBEDDINGS_SINK,
                    METRICS_SINK,
                    MODEL_SINK,
                    TRAIN_DEAD_LETTERS_SINK,
                    VersionTopology.VERSIONS_SINK);

    static final EmbedSamplesProcessor.Nodes INFERENCE_NODES =
            new EmbedSamplesProcessor.Nodes(
                    EMBED_SAMPLES,
                    LATEST_MODEL_STORE,
                    INFERENCE_BUFFER_STORE,
                    SAMPLE_EMBEDDINGS_SINK,
                    SAMPLE_DEAD_LETTERS_SINK,
                    VersionTopology.ITEMS_SINK,
                    null);

    private LearnerTopology() {}

    /**
     * Builds the topology for a configuration.
     *
     * @param config the learner's configuration
     * @return the topology, ready for {@code new KafkaStreams(topology,
     *     config.streamsProperties(…))}
     */
    public static Topology build(LearnerConfig config) {
        return build(config, new TrainerFlush(), new ClusterTopicIds());
    }

    /**
     * Builds the topology for a configuration, with the handle through which a stop asks the
     * trainer to publish its unsaved steps ({@link LearnerApp#close()}), and where the trainer
     * looks up its journal topic's ID ({@link TopicIds#UNKNOWN} without a cluster).
     */
    static Topology build(LearnerConfig config, TrainerFlush flush, TopicIds topicIds) {
        Objects.requireNonNull(config, "config must not be null");
        Topics topics = config.topics();
        Topology topology = new Topology();
        TrainerSettings trainerSettings = TrainerSettings.from(config);
        Function<Map<String, Object>, PairsTopicReader> journalReaders;
        String trainerInput;
        if (trainerSettings.source().pairEventsDirect()) {
            FeatureEventParser<PairEvent> parser = pairEventParser(config);
            addPairEvents(topology, config, parser, TRAIN);
            trainerInput = VALIDATE_PAIR_EVENTS;
            journalReaders =
                    appConfigs ->
                            new KafkaPairEventsReader(
                                    appConfigs, trainerSettings.journalTopic(), parser);
        } else {
            addViews(topology, config);
            addPairEvents(topology, config, pairEventParser(config), PAIR_EVENTS_PAIRS_SINK);
            topology.addSink(
                    PAIR_EVENTS_PAIRS_SINK,
                    topics.pairs(),
                    new StringSerializer(),
                    TrainingPair.serde().serializer(),
                    new ToTheTrainerPartition(),
                    VALIDATE_PAIR_EVENTS);
            topology.addSource(
                    PAIRS_SOURCE,
                    new StringDeserializer(),
                    TrainingPair.serde().deserializer(),
                    topics.pairs());
            trainerInput = PAIRS_SOURCE;
            journalReaders =
                    appConfigs ->
                            new KafkaPairsTopicReader(appConfigs, trainerSettings.journalTopic());
        }
        topology.addProcessor(
                TRAIN,
                () ->
                        new TrainingProcessor(
                                trainerSettings, TRAINER_NODES, flush, journalReaders, topicIds),
                trainerInput);
        topology.addStateStore(LearnerStores.trainerStateStore(), TRAIN);
        topology.addSink(
                EMBEDDINGS_SINK,
                topics.embeddings(),
                new StringSerializer(),
                EventSerdes.embeddingEvents(config.embeddingFormat()).serializer(),
                TRAIN);
        topology.addSink(
                METRICS_SINK,
                topics.metrics(),
                new StringSerializer(),
                EventSerdes.metricsEvents().serializer(),
                TRAIN);
        topology.addSink(
                MODEL_SINK,
                topics.model(),
                new StringSerializer(),
                new ByteArraySerializer(),
                TRAIN);
        topology.addSink(
                TRAIN_DEAD_LETTERS_SINK,
                topics.deadLetters(),
                new ByteArraySerializer(),
                EventSerdes.deadLetters().serializer(),
                TRAIN);
        ModelWeightsCache weights = new ModelWeightsCache(config.trainerConfig(), config.device());
        addInference(topology, config, weights);
        if (config.versions().enabled()) {
            VersionTopology.add(topology, config, weights);
        }
        return topology;
    }

    /** The views sub-topology: validation, then pairing, then the pairs topic. */
    private static void addViews(Topology topology, LearnerConfig config) {
        Topics topics = config.topics();
        FeatureEventParser<ViewEvent> parser =
                FeatureEventParser.views(config.modelSpec().encoderDim(), config.maxRecordBytes());
        long pairingWindow = config.pairingWindowMs();
        topology.addSource(
                VIEWS_SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                topics.views());
        topology.addProcessor(
                VALIDATE_VIEWS,
                () ->
                        new ValidateViewsProcessor(
                                parser, VALIDATE_VIEWS, DEAD_LETTERS_SINK, PAIR_VIEWS),
                VIEWS_SOURCE);
        topology.addProcessor(
                PAIR_VIEWS,
                () -> new PairingProcessor(parser, pairingWindow, PAIRING_NODES),
                VALIDATE_VIEWS);
        topology.addStateStore(LearnerStores.pendingViewsStore(), PAIR_VIEWS);
        topology.addSink(
                PAIRS_SINK,
                topics.pairs(),
                new StringSerializer(),
                TrainingPair.serde().serializer(),
                new ToTheTrainerPartition(),
                PAIR_VIEWS);
        topology.addSink(
                DEAD_LETTERS_SINK,
                topics.deadLetters(),
                new ByteArraySerializer(),
                EventSerdes.deadLetters().serializer(),
                VALIDATE_VIEWS,
                PAIR_VIEWS);
    }

    private static FeatureEventParser<PairEvent> pairEventParser(LearnerConfig config) {
        return FeatureEventParser.pairs(config.modelSpec().encoderDim(), config.maxRecordBytes());
    }

    /**
     * The pair-events input: validation, then {@code next}. A producer that makes both views of a
     * sample at once sends one record instead of two, and the learner keeps no waiting view for it.
     * {@code next} is the pairs topic's sink (added by the caller), or with {@code
     * train.source=pair-events} the trainer itself, whose task then reads the pair-events topic.
     */
    private static void addPairEvents(
            Topology topology,
            LearnerConfig config,
            FeatureEventParser<PairEvent> parser,
            String next) {
        topology.addSource(
                PAIR_EVENTS_SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                config.topics().pairEvents());
        topology.addProcessor(
                VALIDATE_PAIR_EVENTS,
                () ->
                        new ValidatePairEventsProcessor(
                                parser, VALIDATE_PAIR_EVENTS, PAIR_EVENTS_DEAD_LETTERS_SINK, next),
                PAIR_EVENTS_SOURCE);
        topology.addSink(
                PAIR_EVENTS_DEAD_LETTERS_SINK,
                config.topics().deadLetters(),
                new ByteArraySerializer(),
                EventSerdes.deadLetters().serializer(),
                VALIDATE_PAIR_EVENTS);
    }

    /**
     * The samples sub-topology and the global model store. Global stores are bootstrapped from
     * their topic before any stream thread starts, so inference never runs on a model older than
     * the latest checkpoint when the instance starts.
     */
    private static void addInference(
            Topology topology, LearnerConfig config, ModelWeightsCache weights) {
        Topics topics = config.topics();
        String modelName = config.modelName();
        topology.addGlobalStore(
                LearnerStores.latestModelStore(),
                MODEL_SOURCE,
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                topics.model(),
                STORE_CHECKPOINT,
                () ->
                        new StoreCheckpointProcessor(
                                modelName,
                                LATEST_MODEL_STORE,
                                weights,
                                config.checkpointSignature()));

        FeatureEventParser<SampleEvent> parser =
                FeatureEventParser.samples(
                        config.modelSpec().encoderDim(), config.maxRecordBytes());
        InferenceSettings settings = InferenceSettings.from(config);
        topology.addSource(
                SAMPLES_SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                topics.samples());
        boolean trainOnSamples = TrainingSourceKeys.settings(config).samples();
        EmbedSamplesProcessor.Nodes nodes =
                trainOnSamples ? INFERENCE_NODES.trainingOn(SAMPLE_PAIRS_SINK) : INFERENCE_NODES;
        topology.addProcessor(
                EMBED_SAMPLES,
                () -> new EmbedSamplesProcessor(parser, settings, weights, nodes),
                SAMPLES_SOURCE);
        if (trainOnSamples) {
            topology.addSink(
                    SAMPLE_PAIRS_SINK,
                    topics.pairs(),
                    new StringSerializer(),
                    TrainingPair.serde().serializer(),
                    new ToTheTrainerPartition(),
                    EMBED_SAMPLES);
        }
        // With a batch size of 1 too: a run of a larger one may have left samples waiting there.
        topology.addStateStore(LearnerStores.inferenceBufferStore(), EMBED_SAMPLES);
        topology.addSink(
                SAMPLE_EMBEDDINGS_SINK,
                topics.embeddings(),
                new StringSerializer(),
                EventSerdes.embeddingEvents(config.embeddingFormat()).serializer(),
                EMBED_SAMPLES);
        topology.addSink(
                SAMPLE_DEAD_LETTERS_SINK,
                topics.deadLetters(),
                new ByteArraySerializer(),
                EventSerdes.deadLetters().serializer(),
                EMBED_SAMPLES);
    }
}
