package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.SampleEvent;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The nodes model versions add to the learner's topology ({@code model.version.interval.*} set):
 * the trainer's announcements, inference's items, and the backfill's sub-topology.
 *
 * <pre>
 * train ─→ versions-sink → (topic.model-versions: promoted)
 * embed-samples ─→ items-sink → (topic.items, 1 partition, compacted)
 * items-source → backfill ─┬→ backfill-embeddings-sink → (topic.embeddings)
 *   (items, backfill-state; ├→ backfill-model-sink → (topic.model: served version, alignment, tombstones)
 *    reads latest-model)    ├→ backfill-versions-sink → (topic.model-versions: complete)
 *                           └→ backfill-dead-letters-sink
 * </pre>
 */
final class VersionTopology {

    /** Announces the versions the trainer promotes. */
    static final String VERSIONS_SINK = "versions-sink";

    /** Writes inference's valid samples to the items topic. */
    static final String ITEMS_SINK = "items-sink";

    /** Reads the items topic: exactly one task, the backfill. */
    static final String ITEMS_SOURCE = "items-source";

    /** Keeps the items and embeds them all again with each new version. */
    static final String BACKFILL = "backfill";

    /** Writes the backfill's embeddings. */
    static final String BACKFILL_EMBEDDINGS_SINK = "backfill-embeddings-sink";

    /** Writes the served version, alignments and tombstones of retired versions. */
    static final String BACKFILL_MODEL_SINK = "backfill-model-sink";

    /** Announces complete versions. */
    static final String BACKFILL_VERSIONS_SINK = "backfill-versions-sink";

    /** Writes the items the backfill refuses. */
    static final String BACKFILL_DEAD_LETTERS_SINK = "backfill-dead-letters-sink";

    /** The items, by id (changelogged). */
    static final String ITEMS_STORE = "items";

    /** Where the backfill stands (changelogged). */
    static final String BACKFILL_STATE_STORE = "backfill-state";

    static final BackfillProcessor.Nodes BACKFILL_NODES =
            new BackfillProcessor.Nodes(
                    BACKFILL,
                    LearnerTopology.LATEST_MODEL_STORE,
                    ITEMS_STORE,
                    BACKFILL_STATE_STORE,
                    BACKFILL_EMBEDDINGS_SINK,
                    BACKFILL_MODEL_SINK,
                    BACKFILL_VERSIONS_SINK,
                    BACKFILL_DEAD_LETTERS_SINK);

    private VersionTopology() {}

    /** Adds the nodes, after the trainer's and inference's. */
    static void add(Topology topology, LearnerConfig config, ModelWeightsCache weights) {
        Topics topics = config.topics();
        topology.addSink(
                VERSIONS_SINK,
                topics.modelVersions(),
                new StringSerializer(),
                EventSerdes.modelVersionEvents().serializer(),
                LearnerTopology.TRAIN);
        FeatureEventParser<SampleEvent> parser =
                FeatureEventParser.samples(
                        config.modelSpec().encoderDim(), config.maxRecordBytes());
        topology.addSink(
                ITEMS_SINK,
                topics.items(),
                new StringSerializer(),
                EventSerdes.sampleEvents(parser, FeatureEncoding.FLOAT32_BASE64).serializer(),
                LearnerTopology.EMBED_SAMPLES);

        InferenceSettings settings = InferenceSettings.from(config);
        topology.addSource(
                ITEMS_SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                topics.items());
        topology.addProcessor(
                BACKFILL,
                () -> new BackfillProcessor(parser, settings, weights, BACKFILL_NODES),
                ITEMS_SOURCE);
        topology.addStateStore(LearnerStores.itemsStore(), BACKFILL);
        topology.addStateStore(LearnerStores.backfillStateStore(), BACKFILL);
        topology.addSink(
                BACKFILL_EMBEDDINGS_SINK,
                topics.embeddings(),
                new StringSerializer(),
                EventSerdes.embeddingEvents(config.embeddingFormat()).serializer(),
                BACKFILL);
        topology.addSink(
                BACKFILL_MODEL_SINK,
                topics.model(),
                new StringSerializer(),
                new ByteArraySerializer(),
                BACKFILL);
        topology.addSink(
                BACKFILL_VERSIONS_SINK,
                topics.modelVersions(),
                new StringSerializer(),
                EventSerdes.modelVersionEvents().serializer(),
                BACKFILL);
        topology.addSink(
                BACKFILL_DEAD_LETTERS_SINK,
                topics.deadLetters(),
                new ByteArraySerializer(),
                EventSerdes.deadLetters().serializer(),
                BACKFILL);
    }
}
