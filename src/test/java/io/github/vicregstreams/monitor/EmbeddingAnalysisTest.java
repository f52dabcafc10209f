package io.github.vicregstreams.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.vicregstreams.events.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmbeddingAnalysisTest {

    @Test
    void shouldProjectOntoTheDirectionsOfLargestVariance() {
        // Given embeddings in dimension 10 that vary mostly along e0 (σ = 10), then e3 (σ = 3),
        // with a little noise elsewhere, labelled by the sign of their e0 coordinate
        Random random = new Random(5);
        List<MonitorModel.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            float[] e = new float[10];
            for (int j = 0; j < e.length; j++) {
                e[j] = (float) (0.1 * random.nextGaussian());
            }
            e[0] += (float) (10 * random.nextGaussian());
            e[3] += (float) (3 * random.nextGaussian());
            String label = e[0] > 0 ? "pos" : "neg";
            samples.add(sample(e, i, "{\"label\":\"" + label + "\",\"other\":1}"));
        }

        EmbeddingAnalysis analysis = EmbeddingAnalysis.compute(samples, "label", null, 123L);

        // Then the first axis is ±e0 and the second ±e3
        assertThat(Math.abs(analysis.axes()[0][0])).isCloseTo(1.0, within(0.01));
        assertThat(Math.abs(analysis.axes()[1][3])).isCloseTo(1.0, within(0.01));
        // and they explain about 100/109.1 and 9/109.1 of the variance
        assertThat(analysis.explainedVariance()[0]).isCloseTo(0.91, within(0.03));
        assertThat(analysis.explainedVariance()[1]).isCloseTo(0.08, within(0.03));
        // and every embedding is a point, labelled, its x the e0 coordinate up to sign and centring
        assertThat(analysis.count()).isEqualTo(400);
        assertThat(analysis.points()).hasNumberOfRows(400);
        assertThat(analysis.labels()).containsOnly("pos", "neg");
        assertThat(analysis.effectiveRank()).isBetween(1.0, 10.0);
        assertThat(analysis.rankRows()).isEqualTo(400);
        assertThat(analysis.minModelStep()).isZero();
        assertThat(analysis.maxModelStep()).isEqualTo(399);
        assertThat(analysis.computedAtMs()).isEqualTo(123L);
    }

    @Test
    void shouldKeepTheOrientationOfThePreviousAnalysis() {
        Random random = new Random(9);
        List<MonitorModel.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            samples.add(
                    sample(
                            new float[] {
                                (float) random.nextGaussian() * 5, (float) random.nextGaussian()
                            },
                            1,
                            null));
        }
        EmbeddingAnalysis first = EmbeddingAnalysis.compute(samples, "label", null, 0);
        // Given a previous analysis whose axes point the other way
        EmbeddingAnalysis flipped =
                new EmbeddingAnalysis(
                        first.count(),
                        first.dimension(),
                        first.rankRows(),
                        first.effectiveRank(),
                        first.explainedVariance(),
                        first.points(),
                        first.labels(),
                        new double[][] {negate(first.axes()[0]), negate(first.axes()[1])},
                        0,
                        0,
                        0);

        EmbeddingAnalysis next = EmbeddingAnalysis.compute(samples, "label", flipped, 0);

        assertThat(next.axes()[0]).containsExactly(negate(first.axes()[0]), within(1e-12));
        assertThat(next.points()[0][0]).isCloseTo(-first.points()[0][0], within(1e-5f));
    }

    @Test
    void shouldUseTheNewestEmbeddingsOnlyForAWideGramMatrix() {
        // Given 300 embeddings of dimension 300: more than the spectrum's 256
        Random random = new Random(2);
        List<MonitorModel.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            float[] e = new float[300];
            for (int j = 0; j < e.length; j++) {
                e[j] = (float) random.nextGaussian();
            }
            samples.add(sample(e, i, "{\"label\":7}"));
        }

        EmbeddingAnalysis analysis = EmbeddingAnalysis.compute(samples, "label", null, 0);

        assertThat(analysis.rankRows()).isEqualTo(EmbeddingAnalysis.MAX_SPECTRUM_SIZE);
        assertThat(analysis.points()).hasNumberOfRows(300);
        assertThat(analysis.labels()).containsOnly("7");
    }

    @Test
    void shouldLeaveEmbeddingsWithoutTheFieldUnlabelledAndSkipOlderDimensions() {
        List<MonitorModel.Sample> samples =
                List.of(
                        sample(
                                new float[] {1, 2, 3},
                                0,
                                "{\"label\":\"a\"}"), // another model's dimension
                        sample(new float[] {1, 2}, 1, "{\"tenant\":\"x\"}"),
                        sample(new float[] {2, 1}, 1, null),
                        sample(new float[] {0, 0}, 2, "{\"label\":{\"nested\":true}}"));

        EmbeddingAnalysis analysis = EmbeddingAnalysis.compute(samples, "label", null, 0);

        assertThat(analysis.dimension()).isEqualTo(2);
        assertThat(analysis.count()).isEqualTo(3);
        assertThat(analysis.labels()).containsExactly(null, null, null);
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    static MonitorModel.Sample sample(float[] embedding, long step, String metadataJson) {
        return new MonitorModel.Sample(
                embedding, step, metadataJson == null ? null : Metadata.of(metadataJson));
    }
}
