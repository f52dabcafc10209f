package io.github.vicregstreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.SyntheticDataset;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static final ModelSpec SPEC = new ModelSpec(16, 32, 16);

    private static byte[] checkpointAfterSteps(int steps) {
        try (VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(SPEC).withSeed(3), DeviceChoice.CPU)) {
            Dataset data = SyntheticDataset.builder().optRows(64).optFeatureDim(16).generate();
            float[][] x = data.featureMatrix();
            for (int i = 0; i < steps; i++) {
                trainer.step(x, x);
            }
            return trainer.checkpoint();
        }
    }

    @Test
    void shouldReportRawUntrainedAndLearnedRowsWithAccuraciesAboveChance() {
        Dataset data = SyntheticDataset.builder().optRows(600).optFeatureDim(16).generate();
        Dataset train = data.slice(0, 500);
        Dataset test = data.slice(500, 600);

        EvaluationReport report =
                Evaluation.builder()
                        .optProbe(LinearProbe.builder().optEpochs(10).build())
                        .optLabelledSubset(100)
                        .build()
                        .evaluate(checkpointAfterSteps(2), train, test);

        assertThat(report.rows())
                .extracting(EvaluationReport.Row::name)
                .containsExactly(
                        "raw features", "untrained encoder (seed 3)", "learned encoder (step 2)");
        assertThat(report.rows()).extracting(EvaluationReport.Row::dim).containsExactly(16, 32, 32);
        assertThat(report.rows())
                .allSatisfy(
                        row -> {
                            assertThat(row.probeAllLabels()).isGreaterThan(0.5);
                            assertThat(row.probeSubsetLabels()).isGreaterThan(0.3);
                            assertThat(row.knn()).isGreaterThan(0.5);
                        });
        assertThat(report.labelledSubset()).isEqualTo(100);
        assertThat(report.format())
                .contains("Evaluation of checkpoint step 2 (model 16-32-16, seed 3)")
                .contains("probe, all labels")
                .contains("probe, 100 labels")
                .contains("kNN k=20")
                .contains("learned encoder (step 2)");
        EvaluationReport.Row gain = report.gainOverUntrained().orElseThrow();
        assertThat(gain.probeAllLabels())
                .isCloseTo(
                        100
                                * (report.rows().get(2).probeAllLabels()
                                        - report.rows().get(1).probeAllLabels()),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.format())
                .contains(
                        "learned minus untrained (points)",
                        String.format(java.util.Locale.ROOT, "%+.2f", gain.probeAllLabels()));
    }

    @Test
    void shouldRefuseADatasetOfAnotherWidthThanTheModel() {
        Dataset data = SyntheticDataset.builder().optRows(50).optFeatureDim(8).generate();

        assertThatThrownBy(
                        () ->
                                Evaluation.builder()
                                        .build()
                                        .evaluate(checkpointAfterSteps(0), data, data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "has 8 features per row, but the checkpoint's model 16-32-16 takes 16");
    }
}
