package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.events.SampleEvent;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The inference buffer's one record per batch: its codec and its clear errors. */
class BatchStartTest {

    private final BatchStart start = new BatchStart("vicreg.samples", 3, 1_234_567_890_123L, 42);

    @Test
    void shouldReadBackWhatItWrites() {
        assertThat(BatchStart.decode(start.encode())).isEqualTo(start);
    }

    @Test
    void shouldBeSmall() {
        assertThat(start.encode()).hasSizeLessThan(48);
    }

    @Test
    void shouldRefuseATruncatedRecord() {
        byte[] bytes = start.encode();

        assertThatThrownBy(() -> BatchStart.decode(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Corrupt inference batch start record");
    }

    @Test
    void shouldRefuseTrailingBytes() {
        byte[] bytes = Arrays.copyOf(start.encode(), start.encode().length + 2);

        assertThatThrownBy(() -> BatchStart.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("2 bytes after its end");
    }

    @Test
    void shouldRefuseAnEmptyRecord() {
        assertThatThrownBy(() -> BatchStart.decode(new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Empty inference batch start record");
    }

    @Test
    void shouldRefuseASampleCopyOfTheReleaseBeforeByItsVersion() {
        byte[] copy =
                new PendingSample(new SampleEvent("s", new float[] {1f}, null, null), 1, "t", 0, 0)
                        .encode();

        assertThatThrownBy(() -> BatchStart.decode(copy))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("version 1; this build reads 2");
    }

    @Test
    void shouldRefuseANegativeOffsetAsCorrupt() {
        byte[] bytes = new BatchStart("t", 0, 0, 0).encode();
        // the offset's 8 bytes sit before the timestamp's, at the end
        Arrays.fill(bytes, bytes.length - 16, bytes.length - 8, (byte) 0xff);

        assertThatThrownBy(() -> BatchStart.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Corrupt inference batch start record");
    }
}
