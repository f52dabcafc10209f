package io.github.vicregstreams.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class OrthogonalProcrustesTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void shouldRecoverAKnownRotationFromRotatedData() {
        // Given 300 random rows in 64 dimensions and the same rows times a random rotation Q
        Random random = new Random(1);
        float[][] source = gaussian(random, 300, 64);
        double[][] q = randomOrthogonal(random, 64);
        float[][] target = times(source, q);

        OrthogonalProcrustes fitted = OrthogonalProcrustes.fit(source, target);

        // Then R = Q, and R maps the source rows onto the target rows
        assertThat(fitted.dimension()).isEqualTo(64);
        assertClose(fitted.rotation(), q, TOLERANCE);
        float[] mapped = fitted.apply(source[7]);
        for (int j = 0; j < 64; j++) {
            assertThat(mapped[j]).isCloseTo(target[7][j], within(1e-4f));
        }
    }

    @Test
    void shouldRecoverAReflectionBecauseReflectionsAreAllowed() {
        // Given a rotation with one column negated: det = -1
        Random random = new Random(2);
        double[][] q = randomOrthogonal(random, 16);
        for (double[] row : q) {
            row[3] = -row[3];
        }
        float[][] source = gaussian(random, 100, 16);

        OrthogonalProcrustes fitted = OrthogonalProcrustes.fit(source, times(source, q));

        assertClose(fitted.rotation(), q, TOLERANCE);
    }

    @Test
    void shouldFitExactlyOneDimensionalData() {
        // Given x and -2x: the best orthogonal 1×1 map is -1 (a reflection)
        float[][] source = {{1f}, {2f}, {-0.5f}};
        float[][] target = {{-2f}, {-4f}, {1f}};

        assertThat(OrthogonalProcrustes.fit(source, target).rotation()[0][0]).isEqualTo(-1f);
    }

    @Test
    void shouldBeOrthogonalForUnrelatedRandomData() {
        Random random = new Random(3);
        float[][] source = gaussian(random, 150, 48);
        float[][] target = gaussian(random, 150, 48);

        assertOrthogonal(OrthogonalProcrustes.fit(source, target).rotation());
    }

    @Test
    void shouldBeOrthogonalAndFitTheRowsWhenThereAreFewerRowsThanDimensions() {
        // Given 5 rows in 32 dimensions (M has rank 5) and the same rows rotated
        Random random = new Random(4);
        float[][] source = gaussian(random, 5, 32);
        float[][] target = times(source, randomOrthogonal(random, 32));

        OrthogonalProcrustes fitted = OrthogonalProcrustes.fit(source, target);

        // Then R is orthogonal (the rows do not determine it) and maps the rows exactly
        assertOrthogonal(fitted.rotation());
        assertClose(fitted.apply(source), target, 1e-4);
    }

    @Test
    void shouldBeOrthogonalWhenADimensionIsCollapsed() {
        // Given rows whose dimensions 0 and 5 are always 0 in the source and 2 always 0 in the
        // target
        Random random = new Random(5);
        float[][] source = gaussian(random, 200, 12);
        float[][] target = gaussian(random, 200, 12);
        for (int i = 0; i < 200; i++) {
            source[i][0] = 0f;
            source[i][5] = 0f;
            target[i][2] = 0f;
        }

        assertOrthogonal(OrthogonalProcrustes.fit(source, target).rotation());
    }

    @Test
    void shouldBeOrthogonalForTheSmallestInput() {
        // Given 2 rows of 3 dimensions
        float[][] source = {{1f, 0f, 0f}, {0f, 2f, 0f}};
        float[][] target = {{0f, 1f, 0f}, {0f, 0f, 2f}};

        OrthogonalProcrustes fitted = OrthogonalProcrustes.fit(source, target);

        assertOrthogonal(fitted.rotation());
        assertClose(fitted.apply(source), target, 1e-6);
    }

    @Test
    void shouldBeTheIdentityForIdenticalInputs() {
        Random random = new Random(6);
        float[][] many = gaussian(random, 100, 20);
        float[][] few = gaussian(random, 4, 20);

        // With enough rows, and with fewer rows than dimensions (the completion keeps the rest)
        assertClose(OrthogonalProcrustes.fit(many, many).rotation(), identity(20), TOLERANCE);
        assertClose(OrthogonalProcrustes.fit(few, few).rotation(), identity(20), TOLERANCE);
    }

    @Test
    void shouldBeTheIdentityWhenThereIsNothingToFit() {
        float[][] zeros = new float[3][4];

        assertClose(OrthogonalProcrustes.fit(zeros, zeros).rotation(), identity(4), 0);
    }

    @Test
    void shouldFitNoWorseThanNearbyOrthogonalMaps() {
        // Given unrelated data, where the optimum is not obvious
        Random random = new Random(7);
        float[][] source = gaussian(random, 60, 10);
        float[][] target = gaussian(random, 60, 10);
        double[][] r = toDouble(OrthogonalProcrustes.fit(source, target).rotation());
        double best = residual(source, target, r);

        // Then each small rotation in a coordinate plane, applied after R, fits worse
        for (int a = 0; a < 10; a++) {
            for (int b = a + 1; b < 10; b++) {
                for (double angle : new double[] {-0.01, 0.01}) {
                    double[][] turned = multiply(r, givens(10, a, b, angle));
                    assertThat(residual(source, target, turned)).isGreaterThan(best);
                }
            }
        }
    }

    @Test
    void shouldRefuseBadInput() {
        float[][] two = {{1f, 2f}, {3f, 4f}};
        assertThatThrownBy(() -> OrthogonalProcrustes.fit(new float[][] {{1f, 2f}}, two))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Procrustes needs at least 2 rows (items embedded by both versions). Got: 1");
        assertThatThrownBy(() -> OrthogonalProcrustes.fit(two, new float[][] {{1f, 2f}}))
                .hasMessage(
                        "source and target must have the same rows (the same items). Got: 2 and 1");
        assertThatThrownBy(() -> OrthogonalProcrustes.fit(two, new float[][] {{1f}, {2f}}))
                .hasMessage("source and target must have the same width. Got: 2 and 1");
        assertThatThrownBy(() -> OrthogonalProcrustes.fit(new float[][] {{1f, 2f}, {3f}}, two))
                .hasMessage("source rows must all have width 2. Got: 1 in row 1");
        assertThatThrownBy(
                        () ->
                                OrthogonalProcrustes.fit(
                                        two, new float[][] {{1f, Float.NaN}, {3f, 4f}}))
                .hasMessage("target values must be finite. Got: NaN at (0, 1)");
        assertThatThrownBy(
                        () ->
                                OrthogonalProcrustes.fit(
                                        new float[][] {{1f, 2f}, {Float.POSITIVE_INFINITY, 4f}},
                                        two))
                .hasMessage("source values must be finite. Got: Infinity at (1, 0)");
        assertThatThrownBy(() -> OrthogonalProcrustes.fit(new float[2][0], new float[2][0]))
                .hasMessage("source rows must not be empty. Got: width 0");
        assertThatThrownBy(() -> OrthogonalProcrustes.fit(null, two))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("source must not be null");
    }

    @Test
    void shouldRefuseAnEmbeddingOfAnotherDimension() {
        OrthogonalProcrustes fitted = OrthogonalProcrustes.fit(new float[3][4], new float[3][4]);

        assertThatThrownBy(() -> fitted.apply(new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embedding must have the fitted dimension 4. Got: 5");
        assertThatThrownBy(() -> fitted.apply(new float[][] {new float[4], new float[3]}))
                .hasMessage("embedding must have the fitted dimension 4. Got: 3");
    }

    @Test
    void shouldGiveACopyOfTheRotationAndNewArraysFromApply() {
        OrthogonalProcrustes fitted = OrthogonalProcrustes.fit(new float[3][2], new float[3][2]);
        fitted.rotation()[0][0] = 5f;
        float[] input = {1f, 2f};

        float[] output = fitted.apply(input);

        assertThat(fitted.rotation()[0][0]).isEqualTo(1f);
        assertThat(output).isNotSameAs(input).containsExactly(1f, 2f);
    }

    @Test
    void shouldRoundTripThroughBytes() {
        Random random = new Random(8);
        float[][] source = gaussian(random, 40, 24);
        OrthogonalProcrustes fitted =
                OrthogonalProcrustes.fit(source, times(source, randomOrthogonal(random, 24)));

        byte[] bytes = fitted.toBytes();
        OrthogonalProcrustes read = OrthogonalProcrustes.fromBytes(bytes);

        assertThat(bytes).hasSize(4 * 24 * 24 + 9);
        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(read.dimension()).isEqualTo(24);
        assertThat(read.rotation()).isDeepEqualTo(fitted.rotation());
        assertThat(read.apply(source[3])).containsExactly(fitted.apply(source[3]));
    }

    @Test
    void shouldRefuseCorruptBytes() {
        byte[] good = OrthogonalProcrustes.fit(new float[3][4], new float[3][4]).toBytes();

        byte[] flipped = good.clone();
        flipped[20] ^= 0x10;
        assertThatThrownBy(() -> OrthogonalProcrustes.fromBytes(flipped))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A stored Procrustes map fails its checksum: the bytes are corrupt");
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> OrthogonalProcrustes.fromBytes(truncated))
                .hasMessage(
                        "A stored Procrustes map of dimension 4 must have 73 bytes. Got: 72 bytes");
        byte[] future = good.clone();
        future[0] = 2;
        assertThatThrownBy(() -> OrthogonalProcrustes.fromBytes(future))
                .hasMessage(
                        "Unknown format version of a stored Procrustes map: 2 (this build reads 1)");
        assertThatThrownBy(() -> OrthogonalProcrustes.fromBytes(new byte[5]))
                .hasMessage("A stored Procrustes map has at least 13 bytes. Got: 5");
        byte[] negative = withChecksum(ByteBuffer.allocate(13).put((byte) 1).putInt(-1));
        assertThatThrownBy(() -> OrthogonalProcrustes.fromBytes(negative))
                .hasMessage(
                        "A stored Procrustes map of dimension -1 must have a dimension of at least"
                                + " 1. Got: 13 bytes");
    }

    @Test
    void shouldRefuseBytesThatDoNotHoldAnOrthogonalMatrix() {
        // Given a well-formed record of the 1×1 matrix (2), checksum and all
        byte[] scaled = withChecksum(ByteBuffer.allocate(13).put((byte) 1).putInt(1).putFloat(2f));

        assertThatThrownBy(() -> OrthogonalProcrustes.fromBytes(scaled))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "A stored Procrustes map must hold an orthogonal matrix. Got: row 0 of"
                                + " length 2.0");
    }

    /** The buffer's bytes with the CRC-32 of all but the last 4 in the last 4. */
    private static byte[] withChecksum(ByteBuffer buffer) {
        byte[] bytes = buffer.array();
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    static float[][] gaussian(Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return m;
    }

    /** A random orthogonal matrix: Gram–Schmidt of Gaussian rows. */
    static double[][] randomOrthogonal(Random random, int d) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < i; k++) {
                    double c = CentredSpectrum.dot(q[i], q[k]);
                    for (int j = 0; j < d; j++) {
                        q[i][j] -= c * q[k][j];
                    }
                }
            }
            double norm = Math.sqrt(CentredSpectrum.dot(q[i], q[i]));
            for (int j = 0; j < d; j++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }

    /** Rows times a matrix, in double, rounded to float. */
    static float[][] times(float[][] rows, double[][] q) {
        int d = q[0].length;
        float[][] out = new float[rows.length][d];
        for (int i = 0; i < rows.length; i++) {
            for (int b = 0; b < d; b++) {
                double sum = 0;
                for (int a = 0; a < q.length; a++) {
                    sum += rows[i][a] * q[a][b];
                }
                out[i][b] = (float) sum;
            }
        }
        return out;
    }

    private static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    out[i][j] += x[i][k] * y[k][j];
                }
            }
        }
        return out;
    }

    private static double[][] givens(int d, int a, int b, double angle) {
        double[][] g = identity(d);
        g[a][a] = Math.cos(angle);
        g[b][b] = Math.cos(angle);
        g[a][b] = -Math.sin(angle);
        g[b][a] = Math.sin(angle);
        return g;
    }

    private static double residual(float[][] source, float[][] target, double[][] r) {
        float[][] mapped = times(source, r);
        double sum = 0;
        for (int i = 0; i < source.length; i++) {
            for (int j = 0; j < mapped[i].length; j++) {
                double e = mapped[i][j] - target[i][j];
                sum += e * e;
            }
        }
        return sum;
    }

    private static double[][] identity(int d) {
        double[][] m = new double[d][d];
        for (int i = 0; i < d; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static double[][] toDouble(float[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                out[i][j] = m[i][j];
            }
        }
        return out;
    }

    private static void assertOrthogonal(float[][] r) {
        double[][] x = toDouble(r);
        int d = x.length;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += x[k][a] * x[k][b];
                }
                assertThat(sum)
                        .as("(RᵀR)(%d, %d)", a, b)
                        .isCloseTo(a == b ? 1 : 0, within(TOLERANCE));
            }
        }
    }

    private static void assertClose(float[][] actual, double[][] expected, double tolerance) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            for (int j = 0; j < actual[i].length; j++) {
                assertThat((double) actual[i][j])
                        .as("(%d, %d)", i, j)
                        .isCloseTo(expected[i][j], within(tolerance));
            }
        }
    }

    private static void assertClose(float[][] actual, float[][] expected, double tolerance) {
        assertClose(actual, toDouble(expected), tolerance);
    }
}
