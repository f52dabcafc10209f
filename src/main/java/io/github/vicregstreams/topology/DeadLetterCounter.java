package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.Reason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Counts dead letters by reason as Kafka Streams metrics ({@code vicreg-dead-letters-total} in
 * group {@code vicreg}, tagged with the reason, processor and task), visible over JMX.
 *
 * <p>Public for its metric's names only: the monitor reads the counters back by them.
 */
public final class DeadLetterCounter implements AutoCloseable {

    /** The group of the learner's own Kafka Streams metrics. */
    public static final String METRIC_GROUP = "vicreg";

    /** The dead-letter counter: one metric per reason, processor and task. */
    public static final String METRIC_NAME = "vicreg-dead-letters-total";

    /** The tag that holds the reason code. */
    public static final String REASON_TAG = "reason";

    private final StreamsMetrics metrics;
    private final String processor;
    private final String taskId;
    private final Map<Reason, Sensor> sensors = new EnumMap<>(Reason.class);

    DeadLetterCounter(ProcessorContext<?, ?> context, String processor) {
        this.metrics = context.metrics();
        this.processor = processor;
        this.taskId = context.taskId().toString();
    }

    void record(Reason reason) {
        sensors.computeIfAbsent(reason, this::newSensor).record();
    }

    private Sensor newSensor(Reason reason) {
        String name = "vicreg." + processor + "." + taskId + ".dead-letters." + reason.code();
        Sensor sensor = metrics.addSensor(name, Sensor.RecordingLevel.INFO);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(REASON_TAG, reason.code());
        tags.put("processor", processor);
        tags.put("task-id", taskId);
        sensor.add(
                new MetricName(
                        METRIC_NAME, METRIC_GROUP, "Records sent to the dead-letter topic", tags),
                new CumulativeCount());
        return sensor;
    }

    @Override
    public void close() {
        sensors.values().forEach(metrics::removeSensor);
        sensors.clear();
    }
}
