package io.github.vicregstreams.topology;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The backfill's progress as Kafka Streams metrics (group {@value TrainingSensors#GROUP}, tagged
 * {@code task-id}): the version being backfilled, items embedded with it and items in all, and the
 * served version. Not thread-safe: use it from the backfill's stream thread.
 */
public final class BackfillSensors implements AutoCloseable {

    /** The version being backfilled, 0 when none is. */
    public static final String VERSION = "vicreg-backfill-version";

    /** Items embedded with the version being backfilled. */
    public static final String ITEMS_DONE = "vicreg-backfill-items-done";

    /** Items in the items store. */
    public static final String ITEMS = "vicreg-backfill-items";

    /** Items embedded by backfills, in all. */
    public static final String EMBEDDED_TOTAL = "vicreg-backfill-embedded-total";

    /** The served version: the last whose backfill completed, 0 for none. */
    public static final String SERVED_VERSION = "vicreg-served-model-version";

    private final StreamsMetrics metrics;
    private final Sensor version;
    private final Sensor itemsDone;
    private final Sensor items;
    private final Sensor embedded;
    private final Sensor served;

    BackfillSensors(StreamsMetrics metrics, String taskId) {
        this.metrics = metrics;
        Map<String, String> tags = Map.of("task-id", taskId);
        version = gauge(VERSION, "The model version being backfilled, 0 when none is", tags);
        itemsDone = gauge(ITEMS_DONE, "Items embedded with the version being backfilled", tags);
        items = gauge(ITEMS, "Items in the items store", tags);
        served = gauge(SERVED_VERSION, "The served model version, 0 for none", tags);
        embedded = metrics.addSensor("vicreg." + EMBEDDED_TOTAL, Sensor.RecordingLevel.INFO);
        embedded.add(
                new MetricName(
                        EMBEDDED_TOTAL,
                        TrainingSensors.GROUP,
                        "Items embedded by backfills, in all",
                        tags),
                new CumulativeSum());
    }

    private Sensor gauge(String name, String description, Map<String, String> tags) {
        Sensor sensor = metrics.addSensor("vicreg." + name, Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(name, TrainingSensors.GROUP, description, tags), new Value());
        return sensor;
    }

    /** Records where the backfill stands. */
    void record(BackfillState state) {
        version.record(state.running());
        itemsDone.record(state.embedded());
        items.record(state.items());
        served.record(state.done());
    }

    /** Counts items just embedded by a backfill. */
    void embedded(int count) {
        embedded.record(count);
    }

    @Override
    public void close() {
        metrics.removeSensor(version);
        metrics.removeSensor(itemsDone);
        metrics.removeSensor(items);
        metrics.removeSensor(served);
        metrics.removeSensor(embedded);
    }
}
