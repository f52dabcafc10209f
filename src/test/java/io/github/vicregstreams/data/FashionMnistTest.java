package io.github.vicregstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir Path dir;

    /** Writes a split as Debian's package does: gzipped, under the MNIST file names. */
    private void writeSplit(Split split, int count, boolean gzip) throws Exception {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        byte[] images = IdxFiles.images(count, 28, 28);
        byte[] labelBytes = IdxFiles.labels(labels);
        if (gzip) {
            IdxFiles.writeGzipped(dir.resolve(FashionMnist.imagesFileName(split) + ".gz"), images);
            IdxFiles.writeGzipped(
                    dir.resolve(FashionMnist.labelsFileName(split) + ".gz"), labelBytes);
        } else {
            IdxFiles.write(dir.resolve(FashionMnist.imagesFileName(split)), images);
            IdxFiles.write(dir.resolve(FashionMnist.labelsFileName(split)), labelBytes);
        }
    }

    @Test
    void shouldUseTheFileNamesOfDebiansPackage() {
        // As listed by `dpkg -c dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb` (+ ".gz").
        assertThat(FashionMnist.DEFAULT_DIR)
                .isEqualTo(Path.of("/usr/share/datasets/fashion-mnist"));
        assertThat(FashionMnist.imagesFileName(Split.TRAIN)).isEqualTo("train-images-idx3-ubyte");
        assertThat(FashionMnist.labelsFileName(Split.TRAIN)).isEqualTo("train-labels-idx1-ubyte");
        assertThat(FashionMnist.imagesFileName(Split.TEST)).isEqualTo("t10k-images-idx3-ubyte");
        assertThat(FashionMnist.labelsFileName(Split.TEST)).isEqualTo("t10k-labels-idx1-ubyte");
    }

    @Test
    void shouldLoadEachSplitWhenTheGzippedFilesArePresent() throws Exception {
        writeSplit(Split.TRAIN, 12, true);
        writeSplit(Split.TEST, 5, true);

        Dataset train = FashionMnist.load(dir, Split.TRAIN);
        Dataset test = FashionMnist.load(dir, Split.TEST);

        assertThat(train.name()).isEqualTo("fashion-mnist-train");
        assertThat(train.rows()).isEqualTo(12);
        assertThat(train.imageShape()).contains(FashionMnist.IMAGE_SHAPE);
        assertThat(train.distinctLabels()).isEqualTo(10);
        assertThat(test.name()).isEqualTo("fashion-mnist-test");
        assertThat(test.rows()).isEqualTo(5);
        assertThat(FashionMnist.isAvailable(dir)).isTrue();
    }

    @Test
    void shouldLoadUncompressedFilesWhenNoGzippedOnesArePresent() throws Exception {
        writeSplit(Split.TEST, 3, false);

        Dataset test = FashionMnist.load(dir, Split.TEST);

        assertThat(test.rows()).isEqualTo(3);
        assertThat(test.labels()).hasValueSatisfying(l -> assertThat(l).containsExactly(0, 1, 2));
    }

    @Test
    void shouldNameTheMissingFileAndTheInstallCommandWhenAFileIsAbsent() throws Exception {
        writeSplit(Split.TRAIN, 2, true);

        assertThatThrownBy(() -> FashionMnist.load(dir, Split.TEST))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte.gz")
                .hasMessageContaining("not found in " + dir)
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
        assertThat(FashionMnist.isAvailable(dir)).isFalse();
    }

    @Test
    void shouldRejectImagesThatAreNot28By28() throws Exception {
        IdxFiles.write(dir.resolve("t10k-images-idx3-ubyte"), IdxFiles.images(2, 32, 32));
        IdxFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxFiles.labels(0, 1));

        assertThatThrownBy(() -> FashionMnist.load(dir, Split.TEST))
                .isInstanceOf(MalformedDataException.class)
                .hasMessageEndingWith("Fashion-MNIST images must be 28x28. Got: 32x32");
    }

    @Test
    void shouldNameTenClasses() {
        assertThat(FashionMnist.CLASS_NAMES)
                .hasSize(10)
                .startsWith("T-shirt/top")
                .endsWith("Ankle boot");
    }
}
