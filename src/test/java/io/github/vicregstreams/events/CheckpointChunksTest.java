package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.CheckpointChunks.Assembler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CheckpointChunksTest {

    private static byte[] checkpoint(int bytes, long seed) {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Assembler.Outcome feed(Assembler assembler, List<CheckpointChunks.Part> parts) {
        Assembler.Outcome last = null;
        for (CheckpointChunks.Part part : parts) {
            last = assembler.accept(part.key(), part.value(), part.headers());
        }
        return last;
    }

    @Test
    void shouldSplitIntoChunksOfAtMostTheChunkSizeAndAssembleThemBack() {
        int size = 2 * CheckpointChunks.CHUNK_BYTES + 1000;
        byte[] whole = checkpoint(size, 1);
        Headers headers = CheckpointHeaders.of(7, "8-16-8");

        List<CheckpointChunks.Part> parts = CheckpointChunks.split("m", whole, headers);

        assertThat(parts)
                .extracting(CheckpointChunks.Part::key)
                .containsExactly("m/chunk-0", "m/chunk-1", "m/chunk-2", "m");
        assertThat(parts)
                .allSatisfy(
                        p ->
                                assertThat(p.value().length)
                                        .isLessThanOrEqualTo(CheckpointChunks.CHUNK_BYTES));
        Assembler.Outcome outcome = feed(new Assembler("m"), parts);
        assertThat(outcome).isInstanceOf(Assembler.Complete.class);
        Assembler.Complete complete = (Assembler.Complete) outcome;
        assertThat(complete.checkpoint()).isEqualTo(whole);
        assertThat(CheckpointHeaders.step(complete.headers())).isEqualTo(7);
    }

    @Test
    void shouldNeverYieldAHalfWrittenCheckpoint() {
        byte[] whole = checkpoint(3 * CheckpointChunks.CHUNK_BYTES, 2);
        List<CheckpointChunks.Part> parts = CheckpointChunks.split("m", whole, new RecordHeaders());
        Assembler assembler = new Assembler("m");
        // Chunk 1 never arrives.
        assembler.accept(parts.get(0).key(), parts.get(0).value(), parts.get(0).headers());
        assembler.accept(parts.get(2).key(), parts.get(2).value(), parts.get(2).headers());

        Assembler.Outcome outcome =
                assembler.accept(parts.get(3).key(), parts.get(3).value(), parts.get(3).headers());

        assertThat(outcome).isInstanceOf(Assembler.Refused.class);
        assertThat(((Assembler.Refused) outcome).reason())
                .contains("chunk 1 of 3")
                .contains("is missing");
    }

    @Test
    void shouldNotMixTheChunksOfTwoCheckpoints() {
        byte[] first = checkpoint(2 * CheckpointChunks.CHUNK_BYTES, 3);
        byte[] second = checkpoint(2 * CheckpointChunks.CHUNK_BYTES, 4);
        List<CheckpointChunks.Part> a = CheckpointChunks.split("m", first, new RecordHeaders());
        List<CheckpointChunks.Part> b = CheckpointChunks.split("m", second, new RecordHeaders());
        Assembler assembler = new Assembler("m");
        feed(assembler, a);
        // Only the first chunk of the second checkpoint, then its manifest.
        assembler.accept(b.get(0).key(), b.get(0).value(), b.get(0).headers());

        Assembler.Outcome outcome =
                assembler.accept(b.get(2).key(), b.get(2).value(), b.get(2).headers());

        assertThat(outcome).isInstanceOf(Assembler.Refused.class);
    }

    @Test
    void shouldTakeTheNewestOfEachChunkAsCompactionLeavesThem() {
        byte[] first = checkpoint(2 * CheckpointChunks.CHUNK_BYTES, 5);
        byte[] second = checkpoint(2 * CheckpointChunks.CHUNK_BYTES - 10, 6);
        Assembler assembler = new Assembler("m");
        feed(assembler, CheckpointChunks.split("m", first, new RecordHeaders()));

        Assembler.Outcome outcome =
                feed(assembler, CheckpointChunks.split("m", second, new RecordHeaders()));

        assertThat(((Assembler.Complete) outcome).checkpoint()).isEqualTo(second);
    }

    @Test
    void shouldReadARecordWithoutChunkHeadersAsAWholeCheckpoint() {
        byte[] legacy = checkpoint(100, 7);

        Assembler.Outcome outcome = new Assembler("m").accept("m", legacy, new RecordHeaders());

        assertThat(((Assembler.Complete) outcome).checkpoint()).isEqualTo(legacy);
    }

    @Test
    void shouldRefuseAForgedManifestOrChunkWithoutAllocatingWhatTheyDeclare() {
        Headers manifest = new RecordHeaders();
        manifest.add(CheckpointChunks.ID, bytes("x"));
        manifest.add(CheckpointChunks.COUNT, bytes("2147483647"));
        manifest.add(CheckpointChunks.BYTES, bytes("2147483000"));
        Headers chunk = new RecordHeaders();
        chunk.add(CheckpointChunks.ID, bytes("x"));
        chunk.add(CheckpointChunks.INDEX, bytes("-1"));
        Assembler assembler = new Assembler("m");

        assertThat(assembler.accept("m", new byte[8], manifest))
                .isInstanceOf(Assembler.Refused.class);
        assertThat(assembler.accept("m/chunk-0", new byte[8], chunk))
                .isInstanceOf(Assembler.Refused.class);
    }

    @Test
    void shouldTellTheKeysOfAModelFromThoseOfOthers() {
        assertThat(CheckpointChunks.belongsTo("m", "m")).isTrue();
        assertThat(CheckpointChunks.belongsTo("m", "m/chunk-12")).isTrue();
        assertThat(CheckpointChunks.belongsTo("m", "m/chunk-")).isFalse();
        assertThat(CheckpointChunks.belongsTo("m", "mm")).isFalse();
        assertThat(CheckpointChunks.belongsTo("m", null)).isFalse();
        assertThat(CheckpointChunks.modelOf("m/chunk-3")).isEqualTo("m");
        assertThat(CheckpointChunks.modelOf("a/b")).isEqualTo("a/b");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
