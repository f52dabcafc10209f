package io.github.vicregstreams.topology;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * Looks up a topic's ID (KIP-516): a topic deleted and created again under the same name, or the
 * same name on another cluster, has another ID, where offsets alone cannot tell the two apart. The
 * trainer keeps its journal topic's ID with the offsets it counts ({@link TrainerJournal}).
 */
@FunctionalInterface
interface TopicIds {

    /** Every ID unknown: for a topology that runs without a cluster (TopologyTestDriver). */
    TopicIds UNKNOWN = (appConfigs, topic) -> Uuid.ZERO_UUID;

    /**
     * The topic's ID.
     *
     * @param appConfigs the Kafka Streams configuration of the application ({@code
     *     ProcessorContext.appConfigs()})
     * @param topic the topic
     * @return its ID, or {@link Uuid#ZERO_UUID} when unknown (a broker from before topic IDs
     *     answers that too)
     */
    Uuid of(Map<String, Object> appConfigs, String topic);
}
