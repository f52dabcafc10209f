package io.github.vicregstreams.topology;

import io.github.vicregstreams.kafka.TopicCreator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TopicIds} from the cluster the application's configuration names, asked with an admin
 * client of its own, configured as Kafka Streams configures its admin client (the same brokers,
 * security and client settings).
 */
final class ClusterTopicIds implements TopicIds {

    private static final Logger log = LoggerFactory.getLogger(ClusterTopicIds.class);

    /** How long a look-up may wait for the cluster, unless told. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Duration timeout;

    /** Look-ups that wait up to 30 s for the cluster. */
    ClusterTopicIds() {
        this(DEFAULT_TIMEOUT);
    }

    /** Look-ups that wait up to {@code timeout} for the cluster. */
    ClusterTopicIds(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@link Uuid#ZERO_UUID}, with a warning, when the cluster cannot say: it does not answer,
     * or refuses to describe the topic.
     */
    @Override
    public Uuid of(Map<String, Object> appConfigs, String topic) {
        StreamsConfig streams = new StreamsConfig(appConfigs);
        String clientId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG) + "-topic-ids";
        try (Admin admin = Admin.create(streams.getAdminConfigs(clientId))) {
            return TopicCreator.describe(admin, List.of(topic), timeout).get(topic).topicId();
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn(
                    "Cannot look up the ID of topic [{}]; a topic created again under its name cannot"
                            + " be told from the one the trainer counted offsets of: {}",
                    topic,
                    e.getMessage());
            return Uuid.ZERO_UUID;
        }
    }
}
