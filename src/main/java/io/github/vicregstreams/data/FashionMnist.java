package io.github.vicregstreams.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Fashion-MNIST: 28x28 grey-scale images of clothing in 10 classes, 60,000 for training and 10,000
 * for testing, as IDX files.
 *
 * <p>Debian installs it with {@code apt-get install dataset-fashion-mnist} into {@link
 * #DEFAULT_DIR}, as {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code
 * t10k-images-idx3-ubyte.gz} and {@code t10k-labels-idx1-ubyte.gz}. Uncompressed files of the same
 * names without {@code .gz} work too.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The image height and width. */
    public static final int IMAGE_SIDE = 28;

    /** The shape of every image. */
    public static final ImageShape IMAGE_SHAPE = new ImageShape(IMAGE_SIDE, IMAGE_SIDE);

    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    /** How to get the files, for error messages. */
    static final String INSTALL_HINT =
            "Install Fashion-MNIST with `apt-get install dataset-fashion-mnist` (Debian, Ubuntu; it goes"
                    + " to "
                    + DEFAULT_DIR
                    + "), or download the four files from"
                    + " https://github.com/zalandoresearch/fashion-mnist into one directory";

    private static final String GZIP_SUFFIX = ".gz";

    private FashionMnist() {}

    /**
     * Loads one split from {@link #DEFAULT_DIR}.
     *
     * @param split train or test
     * @return the labelled images
     * @throws NoSuchFileException if a file is missing; the message says how to install them
     * @throws MalformedDataException if a file is corrupt
     * @throws IOException if a file cannot be read
     */
    public static Dataset load(Split split) throws IOException {
        return load(DEFAULT_DIR, split);
    }

    /**
     * Loads one split from {@code dir}.
     *
     * @param dir the directory holding the IDX files
     * @param split train or test
     * @return the labelled images, named e.g. {@code fashion-mnist-train}
     * @throws NoSuchFileException if a file is missing; the message says how to install them
     * @throws MalformedDataException if a file is corrupt or is not 28x28 images
     * @throws IOException if a file cannot be read
     */
    public static Dataset load(Path dir, Split split) throws IOException {
        Objects.requireNonNull(dir, "dir must not be null");
        Objects.requireNonNull(split, "split must not be null");
        Path images = require(dir, imagesFileName(split));
        Path labels = require(dir, labelsFileName(split));
        Dataset dataset =
                IdxReader.read(
                        images, labels, "fashion-mnist-" + split.name().toLowerCase(Locale.ROOT));
        if (!dataset.imageShape().orElseThrow().equals(IMAGE_SHAPE)) {
            throw new MalformedDataException(
                    images,
                    "Fashion-MNIST images must be "
                            + IMAGE_SHAPE
                            + ". Got: "
                            + dataset.imageShape().orElseThrow());
        }
        return dataset;
    }

    /**
     * Whether both files of both splits are in {@code dir}, plain or gzipped.
     *
     * @param dir a directory
     * @return true if {@link #load(Path, Split)} finds every file it needs
     */
    public static boolean isAvailable(Path dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        for (Split split : Split.values()) {
            if (find(dir, imagesFileName(split)).isEmpty()
                    || find(dir, labelsFileName(split)).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The image file name of a split, without {@code .gz}, e.g. {@code train-images-idx3-ubyte}.
     *
     * @param split train or test
     * @return the file name
     */
    public static String imagesFileName(Split split) {
        return split.filePrefix() + "-images-idx3-ubyte";
    }

    /**
     * The label file name of a split, without {@code .gz}, e.g. {@code t10k-labels-idx1-ubyte}.
     *
     * @param split train or test
     * @return the file name
     */
    public static String labelsFileName(Split split) {
        return split.filePrefix() + "-labels-idx1-ubyte";
    }

    private static Path require(Path dir, String baseName) throws NoSuchFileException {
        return find(dir, baseName)
                .orElseThrow(
                        () ->
                                new NoSuchFileException(
                                        dir.resolve(baseName + GZIP_SUFFIX).toString(),
                                        null,
                                        "Fashion-MNIST file "
                                                + baseName
                                                + GZIP_SUFFIX
                                                + " (or "
                                                + baseName
                                                + ") not found in "
                                                + dir
                                                + ". "
                                                + INSTALL_HINT));
    }

    private static Optional<Path> find(Path dir, String baseName) {
        Path gzipped = dir.resolve(baseName + GZIP_SUFFIX);
        if (Files.isRegularFile(gzipped)) {
            return Optional.of(gzipped);
        }
        Path plain = dir.resolve(baseName);
        return Files.isRegularFile(plain) ? Optional.of(plain) : Optional.empty();
    }
}
