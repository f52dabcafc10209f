package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.SampleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The samples that waited for a forward pass when an inference task last stopped (or crashed), read
 * back as the task starts: copies that a store of the release before holds under sequence numbers
 * 0, 1, 2, …, then the samples from the store's {@link BatchStart} up to the committed position,
 * read from the samples topic.
 *
 * @param samples the waiting samples, in order
 * @param legacyKeys the store keys of the copies, deleted with the batch's embeddings
 * @param start the batch start in the store, or null
 * @param skipped how many records of the replayed range were rejected (dead-lettered when they
 *     first came), and skipped
 */
record WaitingSamples(
        List<PendingSample> samples, List<Long> legacyKeys, BatchStart start, int skipped) {

    private static final Logger log = LoggerFactory.getLogger(WaitingSamples.class);

    /** Opens a replay of the samples topic from a batch start, after a restart. */
    @FunctionalInterface
    interface ReplayOpener {
        SampleReplay open(Map<String, Object> appConfigs, BatchStart start);
    }

    /**
     * Reads what {@code buffer} holds, replaying the samples topic when it holds a batch start.
     *
     * @param appConfigs the application's configuration, for the replay's consumer
     * @throws IllegalStateException if the copies are not contiguous
     */
    static WaitingSamples read(
            KeyValueStore<Long, byte[]> buffer,
            FeatureEventParser<SampleEvent> parser,
            ReplayOpener replays,
            Map<String, Object> appConfigs) {
        List<PendingSample> samples = new ArrayList<>();
        List<Long> legacyKeys = new ArrayList<>();
        BatchStart start = null;
        try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                if (entry.key == BatchStart.KEY) {
                    start = BatchStart.decode(entry.value);
                    continue;
                }
                long expected =
                        legacyKeys.isEmpty() ? entry.key : legacyKeys.get(0) + legacyKeys.size();
                if (entry.key != expected) {
                    throw new IllegalStateException(
                            "The inference buffer is not contiguous: expected sequence "
                                    + expected
                                    + ", found "
                                    + entry.key);
                }
                legacyKeys.add(entry.key);
                samples.add(PendingSample.decode(entry.value));
            }
        }
        int skipped = 0;
        if (start != null) {
            try (SampleReplay replay = replays.open(appConfigs, start)) {
                skipped = replay(replay, start, parser, samples);
            }
        }
        return new WaitingSamples(samples, legacyKeys, start, skipped);
    }

    /**
     * Adds the valid samples from {@code start} up to the committed position to {@code samples}.
     *
     * @return how many records of that range it skipped as rejected
     */
    private static int replay(
            SampleReplay replay,
            BatchStart start,
            FeatureEventParser<SampleEvent> parser,
            List<PendingSample> samples) {
        long to = replay.committedPosition();
        if (to < start.offset()) {
            // They were committed together, so this store does not describe this partition: the
            // group's offsets were reset or expired (kept 7 days after a group empties, by
            // default), the topic was created again, or this is another cluster under a state.dir
            // of the earlier one. Kafka Streams delivers the partition again from its committed
            // position (or by auto.offset.reset), so nothing is read back here: failing would stop
            // the learner at every start.
            log.error(
                    "The inference buffer's batch starts at offset [{}] of [{}-{}], but the"
                            + " application's committed position there is [{}] (-1: none): the"
                            + " group's offsets were reset or expired, the topic was created again,"
                            + " or the store is another cluster's (a state.dir left from it). The"
                            + " samples are not read back; the partition is delivered again from"
                            + " its committed position",
                    start.offset(),
                    start.topic(),
                    start.partition(),
                    to);
            return 0;
        }
        // Retention may have deleted the oldest waiting samples while the learner was down: they
        // are lost (said loudly), and the rest are still embedded rather than the task failing.
        long from = Math.max(start.offset(), Math.min(replay.startOffset(), to));
        if (from > start.offset()) {
            log.error(
                    "Samples waiting for inference were deleted from the samples topic by retention"
                            + " before they could be read back: they get no embedding."
                            + " partition=[{}-{}] lost=[offsets {} to {}] (raise the samples"
                            + " topic's retention above the longest outage)",
                    start.topic(),
                    start.partition(),
                    start.offset(),
                    from - 1);
        }
        // Kafka Streams (UsePartitionTimeOnInvalidTimestamp) gives a record with an invalid
        // timestamp its partition's time, the highest timestamp so far; the replay gives it the
        // highest since the batch's first, whose own time Streams had given (records before the
        // batch start are not read back: one with a higher timestamp still makes them differ).
        long partitionTime = start.timestamp();
        int skipped = 0;
        for (SampleReplay.SampleRecord record : replay.read(from, to)) {
            long timestamp = record.timestamp() >= 0 ? record.timestamp() : partitionTime;
            partitionTime = Math.max(partitionTime, timestamp);
            Parsed<SampleEvent> parsed = parser.parse(record.key(), record.value());
            if (parsed instanceof Parsed.Rejected<SampleEvent>) {
                skipped++; // dead-lettered when it first came
                continue;
            }
            samples.add(
                    new PendingSample(
                            parsed.value(),
                            timestamp,
                            start.topic(),
                            start.partition(),
                            record.offset()));
        }
        return skipped;
    }
}
