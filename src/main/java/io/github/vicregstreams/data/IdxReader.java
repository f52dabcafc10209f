package io.github.vicregstreams.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzipped.
 *
 * <p>An IDX file starts with a magic number: two zero bytes, a type byte ({@code 0x08} for unsigned
 * bytes, the only type this reader supports) and the rank; then one big-endian 32-bit size per
 * dimension; then the values, row-major. Images have rank 3 (count, height, width) and are scaled
 * from 0..255 to [0, 1]; labels have rank 1. Gzip is recognised by its own magic bytes, whatever
 * the file is called.
 */
public final class IdxReader {

    /** The type byte of unsigned 8-bit values. */
    static final int UNSIGNED_BYTE = 0x08;

    /** The rank of an image file: count, height, width. */
    static final int IMAGE_RANK = 3;

    /** The rank of a label file: count. */
    static final int LABEL_RANK = 1;

    /** The scale from a pixel byte to [0, 1]. */
    private static final float PIXEL_SCALE = 1f / 255f;

    private static final int GZIP_MAGIC_FIRST = 0x1f;
    private static final int GZIP_MAGIC_SECOND = 0x8b;

    private IdxReader() {}

    /**
     * Reads an image file and a label file into one labelled dataset.
     *
     * @param images an IDX file of rank 3
     * @param labels an IDX file of rank 1 with one label per image
     * @param name the dataset's name
     * @return the dataset, with its image shape
     * @throws MalformedDataException if a file is not valid IDX of the expected rank, or the counts
     *     differ
     * @throws IOException if a file cannot be read
     */
    public static Dataset read(Path images, Path labels, String name) throws IOException {
        Objects.requireNonNull(images, "images must not be null");
        Objects.requireNonNull(labels, "labels must not be null");
        Objects.requireNonNull(name, "name must not be null");
        Images pixels = readImages(images);
        int[] labelValues = readLabels(labels);
        if (labelValues.length != pixels.rows().length) {
            throw new MalformedDataException(
                    labels,
                    "the label count must equal the image count of "
                            + images
                            + " ("
                            + pixels.rows().length
                            + "). Got: "
                            + labelValues.length);
        }
        return Dataset.owning(name, pixels.rows(), labelValues, pixels.shape());
    }

    /**
     * Reads an image file into an unlabelled dataset named after the file.
     *
     * @param images an IDX file of rank 3
     * @return the dataset, with its image shape
     * @throws MalformedDataException if the file is not valid IDX of rank 3
     * @throws IOException if the file cannot be read
     */
    public static Dataset readImageDataset(Path images) throws IOException {
        Images pixels = readImages(Objects.requireNonNull(images, "images must not be null"));
        return Dataset.owning(
                String.valueOf(images.getFileName()), pixels.rows(), null, pixels.shape());
    }

    /**
     * Reads the labels of a rank-1 IDX file.
     *
     * @param file an IDX file of rank 1
     * @return one label (0 to 255) per entry
     * @throws MalformedDataException if the file is not valid IDX of rank 1
     * @throws IOException if the file cannot be read
     */
    public static int[] readLabels(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        try (DataInputStream in = open(file)) {
            int[] dims = readHeader(in, file, LABEL_RANK);
            byte[] data = readData(in, file, dims[0]);
            int[] labels = new int[dims[0]];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = Byte.toUnsignedInt(data[i]);
            }
            return labels;
        } catch (EOFException | ZipException e) {
            throw corruptGzip(file, e);
        }
    }

    static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = readHeader(in, file, IMAGE_RANK);
            int count = dims[0];
            if (count == 0) {
                throw new MalformedDataException(
                        file, "the IDX file must hold at least one image. Got: 0");
            }
            if (dims[1] == 0 || dims[2] == 0) {
                throw new MalformedDataException(
                        file,
                        "image height and width must be at least 1. Got: "
                                + dims[1]
                                + "x"
                                + dims[2]);
            }
            ImageShape shape = new ImageShape(dims[1], dims[2]);
            byte[] data = readData(in, file, (long) count * shape.pixels());
            float[][] rows = new float[count][shape.pixels()];
            for (int i = 0, k = 0; i < count; i++) {
                float[] row = rows[i];
                for (int j = 0; j < row.length; j++, k++) {
                    row[j] = Byte.toUnsignedInt(data[k]) * PIXEL_SCALE;
                }
            }
            return new Images(rows, shape);
        } catch (EOFException | ZipException e) {
            throw corruptGzip(file, e);
        }
    }

    /** Only a gzip stream ends with these: the plain reads check their lengths themselves. */
    private static MalformedDataException corruptGzip(Path file, IOException e) {
        MalformedDataException error =
                new MalformedDataException(
                        file,
                        "truncated or corrupt gzip data ("
                                + e.getMessage()
                                + "); download it again");
        error.initCause(e);
        return error;
    }

    /** Pixels, one row per image, and their common shape. */
    record Images(float[][] rows, ImageShape shape) {}

    private static DataInputStream open(Path file) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        InputStream data =
                first == GZIP_MAGIC_FIRST && second == GZIP_MAGIC_SECOND
                        ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
                        : buffered;
        return new DataInputStream(data);
    }

    /** Reads and checks the magic number and the dimensions; returns the dimensions. */
    private static int[] readHeader(DataInputStream in, Path file, int expectedRank)
            throws IOException {
        byte[] magic = new byte[4];
        if (in.readNBytes(magic, 0, 4) < 4) {
            throw new MalformedDataException(file, "too short for an IDX header (4 magic bytes)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new MalformedDataException(
                    file,
                    String.format(
                            Locale.ROOT,
                            "bad IDX magic number 0x%02x%02x%02x%02x: it must start with two zero bytes",
                            magic[0],
                            magic[1],
                            magic[2],
                            magic[3]));
        }
        int type = Byte.toUnsignedInt(magic[2]);
        if (type != UNSIGNED_BYTE) {
            throw new MalformedDataException(
                    file,
                    String.format(
                            Locale.ROOT,
                            "unsupported IDX data type 0x%02x: only unsigned bytes (0x%02x) are supported",
                            type,
                            UNSIGNED_BYTE));
        }
        int rank = Byte.toUnsignedInt(magic[3]);
        if (rank != expectedRank) {
            throw new MalformedDataException(
                    file, "expected an IDX file of rank " + expectedRank + ". Got rank: " + rank);
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            byte[] size = new byte[4];
            if (in.readNBytes(size, 0, 4) < 4) {
                throw new MalformedDataException(
                        file, "truncated IDX header: it ends before the size of dimension " + d);
            }
            dims[d] =
                    ((size[0] & 0xff) << 24)
                            | ((size[1] & 0xff) << 16)
                            | ((size[2] & 0xff) << 8)
                            | (size[3] & 0xff);
            if (dims[d] < 0) {
                throw new MalformedDataException(
                        file, "IDX dimension " + d + " must not be negative. Got: " + dims[d]);
            }
        }
        return dims;
    }

    /** Reads exactly {@code length} data bytes and checks that nothing follows them. */
    private static byte[] readData(DataInputStream in, Path file, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new MalformedDataException(
                    file, "IDX data of " + length + " bytes is too large to load into memory");
        }
        byte[] data = new byte[(int) length];
        int read = in.readNBytes(data, 0, data.length);
        if (read < data.length) {
            throw new MalformedDataException(
                    file,
                    "truncated IDX data: the header announces "
                            + length
                            + " bytes of values. Got: "
                            + read);
        }
        if (in.read() >= 0) {
            throw new MalformedDataException(
                    file,
                    "unexpected bytes after the "
                            + length
                            + " bytes of values the header announces");
        }
        return data;
    }
}
