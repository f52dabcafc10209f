package io.github.vicregstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir Path dir;

    @Test
    void shouldReadImagesScaledToTheUnitRangeWhenTheFileIsPlain() throws Exception {
        // Given 2 images of 2x3 whose pixels are 0..11
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(2, 2, 3));
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(4, 200));

        Dataset dataset = IdxReader.read(images, labels, "tiny");

        assertThat(dataset.name()).isEqualTo("tiny");
        assertThat(dataset.rows()).isEqualTo(2);
        assertThat(dataset.featureDim()).isEqualTo(6);
        assertThat(dataset.imageShape()).contains(new ImageShape(2, 3));
        assertThat(dataset.features(1)[0]).isCloseTo(6f / 255f, within(1e-7f));
        assertThat(dataset.features(1)[5]).isCloseTo(11f / 255f, within(1e-7f));
        assertThat(dataset.labels()).hasValueSatisfying(l -> assertThat(l).containsExactly(4, 200));
    }

    @Test
    void shouldReadUnsignedBytesUpToOne() throws Exception {
        byte[] values = {(byte) 255, (byte) 128, 0, 1};
        Path images =
                IdxFiles.write(
                        dir.resolve("images"),
                        IdxFiles.idx(IdxReader.UNSIGNED_BYTE, new int[] {1, 2, 2}, values));

        Dataset dataset = IdxReader.readImageDataset(images);

        assertThat(dataset.features(0)).containsExactly(1f, 128f / 255f, 0f, 1f / 255f);
        assertThat(dataset.hasLabels()).isFalse();
    }

    @Test
    void shouldReadTheSameValuesWhenTheFileIsGzipped() throws Exception {
        Path plain = IdxFiles.write(dir.resolve("plain"), IdxFiles.images(3, 4, 4));
        // The reader detects gzip by content, so the name does not matter.
        Path gzipped = IdxFiles.writeGzipped(dir.resolve("gzipped.gz"), IdxFiles.images(3, 4, 4));

        Dataset fromPlain = IdxReader.readImageDataset(plain);
        Dataset fromGzipped = IdxReader.readImageDataset(gzipped);

        for (int i = 0; i < 3; i++) {
            assertThat(fromGzipped.features(i)).containsExactly(fromPlain.features(i));
        }
    }

    @Test
    void shouldRejectAMagicNumberThatDoesNotStartWithTwoZeroBytes() throws Exception {
        byte[] content = IdxFiles.images(1, 2, 2);
        content[0] = 0x50; // e.g. a PNG or a text file
        Path file = IdxFiles.write(dir.resolve("bad-magic"), content);

        assertThatThrownBy(() -> IdxReader.readImageDataset(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        file
                                + ": bad IDX magic number 0x50000803: it must start with two zero bytes");
    }

    @Test
    void shouldRejectADataTypeOtherThanUnsignedBytes() throws Exception {
        Path file =
                IdxFiles.write(
                        dir.resolve("floats"),
                        IdxFiles.idx(0x0D, new int[] {1, 1, 1}, new byte[4]));

        assertThatThrownBy(() -> IdxReader.readImageDataset(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        file
                                + ": unsupported IDX data type 0x0d: only unsigned bytes (0x08) are supported");
    }

    @Test
    void shouldRejectALabelFileWhereImagesAreExpected() throws Exception {
        Path file = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(1, 2, 3));

        assertThatThrownBy(() -> IdxReader.readImageDataset(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(file + ": expected an IDX file of rank 3. Got rank: 1");
    }

    @Test
    void shouldRejectAnImageFileWhereLabelsAreExpected() throws Exception {
        Path file = IdxFiles.write(dir.resolve("images"), IdxFiles.images(1, 2, 2));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(file + ": expected an IDX file of rank 1. Got rank: 3");
    }

    @Test
    void shouldRejectDataShorterThanTheHeaderAnnounces() throws Exception {
        byte[] full = IdxFiles.images(2, 3, 3); // 16 header bytes + 18 values
        Path file = IdxFiles.write(dir.resolve("truncated"), Arrays.copyOf(full, full.length - 5));

        assertThatThrownBy(() -> IdxReader.readImageDataset(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        file
                                + ": truncated IDX data: the header announces 18 bytes of values. Got: 13");
    }

    @Test
    void shouldRejectATruncatedGzippedFile() throws Exception {
        Path whole = IdxFiles.writeGzipped(dir.resolve("whole.gz"), IdxFiles.images(50, 8, 8));
        byte[] gzipped = Files.readAllBytes(whole);
        Path file =
                IdxFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gzipped, gzipped.length / 2));

        assertThatThrownBy(() -> IdxReader.readImageDataset(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageStartingWith(file + ": truncated or corrupt gzip data (")
                .hasMessageEndingWith("); download it again");
    }

    @Test
    void shouldRejectAHeaderThatEndsBeforeTheDimensions() throws Exception {
        byte[] full = IdxFiles.images(1, 2, 2);
        Path file = IdxFiles.write(dir.resolve("short-header"), Arrays.copyOf(full, 9));

        assertThatThrownBy(() -> IdxReader.readImageDataset(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        file + ": truncated IDX header: it ends before the size of dimension 1");
    }

    @Test
    void shouldRejectAFileShorterThanTheMagicNumber() throws Exception {
        Path file = IdxFiles.write(dir.resolve("tiny"), new byte[] {0, 0});

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(file + ": too short for an IDX header (4 magic bytes)");
    }

    @Test
    void shouldRejectBytesAfterTheAnnouncedData() throws Exception {
        byte[] full = IdxFiles.labels(1, 2);
        Path file = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 1));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        file
                                + ": unexpected bytes after the 2 bytes of values the header announces");
    }

    @Test
    void shouldRejectLabelsWhoseCountDiffersFromTheImages() throws Exception {
        Path images = IdxFiles.write(dir.resolve("images"), IdxFiles.images(3, 2, 2));
        Path labels = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(0, 1));

        assertThatThrownBy(() -> IdxReader.read(images, labels, "mismatch"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        labels
                                + ": the label count must equal the image count of "
                                + images
                                + " (3). Got: 2");
    }

    @Test
    void shouldRejectAnImageFileWithoutImages() throws Exception {
        Path file = IdxFiles.write(dir.resolve("empty"), IdxFiles.images(0, 2, 2));

        assertThatThrownBy(() -> IdxReader.readImageDataset(file))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(file + ": the IDX file must hold at least one image. Got: 0");
    }
}
