package io.github.vicregstreams.analysis;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The orthogonal map that carries one embedding space onto another, fitted on items embedded in
 * both: the R minimising \( \lVert S R - T \rVert_F \) over orthogonal d×d matrices, where row i of
 * S and of T embed the same item (say, with a new and with the previous model version). Applied to
 * the new version's embeddings, it puts them in the previous version's space, so that an index
 * built on the previous version still finds sensible neighbours for them; it changes no distance or
 * cosine within a version.
 *
 * <p>The solution is \( R = U V^T \) for the singular value decomposition \( U \Sigma V^T \) of \(
 * M = S^T T \). The decomposition is computed in double: V and \( \Sigma^2 \) from the symmetric
 * eigen-decomposition of \( M^T M \) ({@link SymmetricEigen}), then U by Gram–Schmidt of the
 * columns of \( M V \) in order of decreasing singular value (taking each \( u_j \) from \( M v_j
 * \) keeps the signs of U and V consistent). Where M is rank-deficient (fewer reference items than
 * dimensions, or a dimension no item uses) the reference set does not determine R on the missing
 * directions; there U is completed with the remaining columns of V, made orthogonal to the rest, so
 * that R leaves those directions close to as they are (for identical inputs, exactly the identity),
 * and R is orthogonal in every case.
 *
 * <p><b>Reflections are allowed</b> (det R may be -1), as in the classic problem: cosine neighbours
 * are unchanged by any orthogonal map, so a reflection is as harmless as a rotation, and two
 * versions of a network can well differ by one (swapping two hidden units, a symmetry of an MLP, is
 * a reflection). Forcing det R = +1 would only fit worse.
 *
 * <p>Fit on at least d items: with fewer, R is fitted on a subspace only. To keep a chain of
 * versions in one space, fit each new version against the embeddings consumers hold of the previous
 * one, that is, its <em>aligned</em> embeddings.
 *
 * <p>Cost: \( n d^2 \) multiply-adds to form M from n rows, then \( O(d^3) \), mostly the
 * eigen-decomposition; docs/alignment.md gives measured times. Immutable and thread-safe. {@link
 * #toBytes} gives a compact, versioned and checksummed form of {@code 4 d^2 + 9} bytes.
 */
public final class OrthogonalProcrustes {

    private static final byte FORMAT_VERSION = 1;

    /** Version byte, dimension, checksum. */
    private static final int OVERHEAD_BYTES = 1 + Integer.BYTES + Integer.BYTES;

    /** How far from 1 a stored row's length may be (float rounding is below 1e-6 at d=2048). */
    private static final double STORED_ROW_NORM_TOLERANCE = 1e-3;

    private final int dimension;

    /** R, row-major: {@code rotation[a * dimension + b]} = R(a, b). */
    private final float[] rotation;

    private OrthogonalProcrustes(int dimension, float[] rotation) {
        this.dimension = dimension;
        this.rotation = rotation;
    }

    /**
     * Fits the orthogonal R (d×d) minimising \( \lVert S R - T \rVert_F \) over the rows: row i of
     * both is the same item, embedded by two versions.
     *
     * @param source S, the rows to be mapped (e.g. the new version's embeddings)
     * @param target T, where they should land (e.g. the previous version's embeddings of the same
     *     items)
     * @return the fitted map
     * @throws IllegalArgumentException if there are fewer than 2 rows, the rows are ragged or of
     *     width 0, the two matrices differ in shape, or a value is not finite
     */
    public static OrthogonalProcrustes fit(float[][] source, float[][] target) {
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(target, "target must not be null");
        if (source.length < 2) {
            throw new IllegalArgumentException(
                    "Procrustes needs at least 2 rows (items embedded by both versions). Got: "
                            + source.length);
        }
        if (target.length != source.length) {
            throw new IllegalArgumentException(
                    "source and target must have the same rows (the same items). Got: "
                            + source.length
                            + " and "
                            + target.length);
        }
        int d = Rows.width("source", source);
        int targetWidth = Rows.width("target", target);
        if (targetWidth != d) {
            throw new IllegalArgumentException(
                    "source and target must have the same width. Got: "
                            + d
                            + " and "
                            + targetWidth);
        }
        return new OrthogonalProcrustes(d, toFloats(PolarFactor.of(crossProduct(source, target))));
    }

    /**
     * Maps one embedding: the row vector times R.
     *
     * @param embedding a row of the fitted width
     * @return a new array
     * @throws IllegalArgumentException if the width is not {@link #dimension()}
     */
    public float[] apply(float[] embedding) {
        Objects.requireNonNull(embedding, "embedding must not be null");
        if (embedding.length != dimension) {
            throw new IllegalArgumentException(
                    "embedding must have the fitted dimension "
                            + dimension
                            + ". Got: "
                            + embedding.length);
        }
        double[] sum = new double[dimension];
        for (int a = 0; a < dimension; a++) {
            double x = embedding[a];
            int offset = a * dimension;
            for (int b = 0; b < dimension; b++) {
                sum[b] += x * rotation[offset + b];
            }
        }
        float[] out = new float[dimension];
        for (int b = 0; b < dimension; b++) {
            out[b] = (float) sum[b];
        }
        return out;
    }

    /**
     * Maps each row, as {@link #apply(float[])}.
     *
     * @param embeddings rows of the fitted width
     * @return new rows, one per input row
     * @throws IllegalArgumentException if a row has another width
     */
    public float[][] apply(float[][] embeddings) {
        Objects.requireNonNull(embeddings, "embeddings must not be null");
        float[][] out = new float[embeddings.length][];
        for (int i = 0; i < embeddings.length; i++) {
            out[i] = apply(embeddings[i]);
        }
        return out;
    }

    /** The embedding width d the map was fitted on. */
    public int dimension() {
        return dimension;
    }

    /** R as d rows of d (a copy); orthogonal to float precision. */
    public float[][] rotation() {
        float[][] out = new float[dimension][dimension];
        for (int a = 0; a < dimension; a++) {
            System.arraycopy(rotation, a * dimension, out[a], 0, dimension);
        }
        return out;
    }

    /**
     * The map as bytes: a format version byte (1), d as a big-endian int, the d² entries of R row
     * by row as big-endian float32, then the CRC-32 of everything before it.
     *
     * @return {@code 4 d² + 9} bytes
     */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(OVERHEAD_BYTES + Float.BYTES * rotation.length);
        buffer.put(FORMAT_VERSION).putInt(dimension);
        for (float x : rotation) {
            buffer.putFloat(x);
        }
        CRC32 crc = new CRC32();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        return buffer.array();
    }

    /**
     * Reads the bytes of {@link #toBytes}.
     *
     * @param bytes a stored map
     * @return the map
     * @throws IllegalArgumentException if the bytes are truncated, of an unknown version, fail
     *     their checksum, or do not hold an orthogonal matrix's rows
     */
    public static OrthogonalProcrustes fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes must not be null");
        if (bytes.length < OVERHEAD_BYTES + Float.BYTES) {
            throw new IllegalArgumentException(
                    "A stored Procrustes map has at least "
                            + (OVERHEAD_BYTES + Float.BYTES)
                            + " bytes. Got: "
                            + bytes.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte version = buffer.get();
        switch (version) {
            case FORMAT_VERSION:
                return readVersion1(buffer, bytes);
            default:
                throw new IllegalArgumentException(
                        "Unknown format version of a stored Procrustes map: "
                                + version
                                + " (this build reads "
                                + FORMAT_VERSION
                                + ")");
        }
    }

    private static OrthogonalProcrustes readVersion1(ByteBuffer buffer, byte[] bytes) {
        int d = buffer.getInt();
        long expected = OVERHEAD_BYTES + (long) Float.BYTES * d * d;
        if (d < 1 || expected != bytes.length) {
            throw new IllegalArgumentException(
                    "A stored Procrustes map of dimension "
                            + d
                            + " must have "
                            + (d < 1 ? "a dimension of at least 1" : expected + " bytes")
                            + ". Got: "
                            + bytes.length
                            + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - Integer.BYTES);
        int stored = ByteBuffer.wrap(bytes, bytes.length - Integer.BYTES, Integer.BYTES).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IllegalArgumentException(
                    "A stored Procrustes map fails its checksum: the bytes are corrupt");
        }
        float[] rotation = new float[d * d];
        for (int a = 0; a < d; a++) {
            double squares = 0;
            for (int b = 0; b < d; b++) {
                float x = buffer.getFloat();
                rotation[a * d + b] = x;
                squares += (double) x * x;
            }
            // A cheap sanity check (a full RᵀR would cost d³): rows of an orthogonal matrix have
            // length 1, and non-finite values fail it too.
            if (!(Math.abs(Math.sqrt(squares) - 1) <= STORED_ROW_NORM_TOLERANCE)) {
                throw new IllegalArgumentException(
                        "A stored Procrustes map must hold an orthogonal matrix. Got: row "
                                + a
                                + " of length "
                                + Math.sqrt(squares));
            }
        }
        return new OrthogonalProcrustes(d, rotation);
    }

    /** \( M = S^T T \), accumulated in double. */
    private static double[][] crossProduct(float[][] source, float[][] target) {
        int d = source[0].length;
        double[][] m = new double[d][d];
        double[] t = new double[d];
        for (int i = 0; i < source.length; i++) {
            for (int b = 0; b < d; b++) {
                t[b] = target[i][b];
            }
            float[] s = source[i];
            for (int a = 0; a < d; a++) {
                double sa = s[a];
                if (sa == 0.0) {
                    continue;
                }
                double[] row = m[a];
                for (int b = 0; b < d; b++) {
                    row[b] += sa * t[b];
                }
            }
        }
        return m;
    }

    private static float[] toFloats(double[][] r) {
        int d = r.length;
        float[] out = new float[d * d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                out[a * d + b] = (float) r[a][b];
            }
        }
        return out;
    }
}
