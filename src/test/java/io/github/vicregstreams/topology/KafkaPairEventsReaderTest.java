package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.PairEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;
import org.junit.jupiter.api.Test;

/** The trainer's journal replay of the pair-events topic: what the stream handed the trainer. */
class KafkaPairEventsReaderTest {

    private static final FeatureEventParser<PairEvent> PARSER =
            FeatureEventParser.pairs(LearnerDriver.INPUT_DIM);

    private static ConsumerRecord<byte[], byte[]> record(
            long offset, String key, String value, long time) {
        return new ConsumerRecord<>(
                "vicreg.pair-events",
                0,
                offset,
                time,
                TimestampType.CREATE_TIME,
                key.length(),
                value == null ? -1 : value.length(),
                key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(),
                Optional.empty());
    }

    private static String pairEvent(String id) {
        return "{\"id\": \""
                + id
                + "\", \"features\": [[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]]}";
    }

    @Test
    void shouldReadBackTheValidPairEventsWithTheirOffsetsAndTimestampsAndSkipTheRejectedOnes() {
        List<ConsumerRecord<byte[], byte[]>> records =
                List.of(
                        record(3, "a", pairEvent("a"), 100),
                        record(4, "bad", "{\"id\": \"bad\", \"features\": [[1, 2]]}", 110),
                        record(5, "gone", null, 120),
                        record(6, "other", pairEvent("c"), 125),
                        record(7, "b", pairEvent("b"), 130),
                        record(8, "d", pairEvent("d"), -1));

        List<PairsTopicReader.OffsetPair> pairs =
                KafkaPairEventsReader.validPairs(
                        records, PARSER, new UsePartitionTimeOnInvalidTimestamp());

        assertThat(pairs)
                .extracting(PairsTopicReader.OffsetPair::offset)
                .containsExactly(3L, 7L, 8L);
        // As the stream's default extractor: an invalid timestamp takes the partition time.
        assertThat(pairs.get(2).pair().timestamp()).isEqualTo(130);
        TrainingPair b = pairs.get(1).pair();
        assertThat(b.id()).isEqualTo("b");
        assertThat(b.timestamp()).isEqualTo(130);
        assertThat(b.view0()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(b.view1()).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(b.isSample()).isFalse();
    }

    @Test
    void shouldTimestampEachPairAsTheApplicationsExtractorDidAndSkipWhatStreamsSkips() {
        List<ConsumerRecord<byte[], byte[]>> records =
                List.of(record(3, "a", pairEvent("a"), 100), record(4, "b", pairEvent("b"), 200));
        // An extractor of event time, say from a header: here the offset, and -1 for offset 4.
        TimestampExtractor byOffset =
                (record, partitionTime) -> record.offset() == 4 ? -1 : record.offset() * 1000;

        List<PairsTopicReader.OffsetPair> pairs =
                KafkaPairEventsReader.validPairs(records, PARSER, byOffset);

        assertThat(pairs)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.offset()).isEqualTo(3);
                            assertThat(p.pair().timestamp()).isEqualTo(3000);
                        });
    }
}
