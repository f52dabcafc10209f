package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TrainerCursorTest {

    @Test
    void shouldRoundTripOffsetsBatchesAndSteps() {
        TrainerCursor cursor =
                TrainerCursor.EMPTY
                        .startingAt(7)
                        .withBatchTrained(10, 4)
                        .withCheckpoint(1)
                        .withPublished(1)
                        .withBatchTrained(15, 4);

        TrainerCursor decoded = TrainerCursor.decode(cursor.encode());

        assertThat(decoded).isEqualTo(cursor);
        assertThat(decoded.checkpointedUpTo()).isEqualTo(11);
        assertThat(decoded.batches()).containsExactly(new TrainerCursor.Batch(16, 4));
        assertThat(decoded.trainedUpTo()).isEqualTo(16);
    }

    @Test
    void shouldKeepOnlyTheStepsOfACursorOfTheJournalRelease() {
        // version 1: nextSeq, trainedUpTo, checkpointedUpTo, pendingSince, checkpointStep,
        // publishedStep, then the batch ends
        ByteBuffer v1 = ByteBuffer.allocate(1 + 6 * 8 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        v1.put((byte) 1).putLong(30).putLong(28).putLong(24).putLong(5).putLong(6).putLong(6);
        v1.putInt(1).putLong(28);

        TrainerCursor decoded = TrainerCursor.decode(v1.array());

        assertThat(decoded.knowsOffsets()).isFalse();
        assertThat(decoded.checkpointStep()).isEqualTo(6);
        assertThat(decoded.publishedStep()).isEqualTo(6);
        assertThat(decoded.batches()).isEmpty();
    }

    @Test
    void shouldRefuseABatchCountLargerThanTheRecord() {
        ByteBuffer bad = ByteBuffer.allocate(1 + 3 * 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        bad.put((byte) 2).putLong(0).putLong(-1).putLong(-1).putInt(1_000_000);

        assertThatThrownBy(() -> TrainerCursor.decode(bad.array()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("1000000 batches");
    }

    @Test
    void shouldStartUnknownAndLearnItsOffsetsFromTheFirstPair() {
        assertThat(TrainerCursor.EMPTY.knowsOffsets()).isFalse();
        assertThat(TrainerCursor.EMPTY.startingAt(0).knowsOffsets()).isTrue();
        assertThat(TrainerCursor.EMPTY.startingAt(0).batches()).isEqualTo(List.of());
    }
}
