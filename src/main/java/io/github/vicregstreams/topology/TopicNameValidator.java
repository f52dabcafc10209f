package io.github.vicregstreams.topology;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Kafka's rule for topic names, checked when the configuration loads rather than at start. */
final class TopicNameValidator implements ConfigDef.Validator {

    /** The validator; it holds no state. */
    static final TopicNameValidator INSTANCE = new TopicNameValidator();

    private TopicNameValidator() {}

    @Override
    public void ensureValid(String name, Object value) {
        String topic = (String) value;
        if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new ConfigException(
                    name,
                    value,
                    "A topic name is 1 to 249 characters of a-z, A-Z, 0-9, '.', '_', '-'.");
        }
    }

    @Override
    public String toString() {
        return "a topic name: 1 to 249 characters of a-z, A-Z, 0-9, '.', '_', '-'";
    }
}
