package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

    @Test
    void shouldPrintATableOfRawUntrainedAndLearnedAccuraciesForACheckpointFile(@TempDir Path dir)
            throws Exception {
        // Given: a small model trained for 3 steps on the synthetic dataset, saved to a file
        Dataset train = DatasetSource.parse("synthetic:300").load(Split.TRAIN);
        Path file = dir.resolve("model.ckpt");
        try (VicregTrainer trainer =
                VicregTrainer.create(
                        TrainerConfig.defaults(new ModelSpec(64, 32, 16)), DeviceChoice.CPU)) {
            float[][] x = train.head(64).featureMatrix();
            for (int i = 0; i < 3; i++) {
                trainer.step(x, x);
            }
            Files.write(file, trainer.checkpoint());
        }

        CliRun run =
                CliRun.of(
                        "evaluate",
                        "--checkpoint",
                        file.toString(),
                        "--dataset",
                        "synthetic:300",
                        "--probe-epochs",
                        "5",
                        "--labels",
                        "100");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines())
                .hasSize(6)
                .satisfies(
                        lines -> {
                            assertThat(lines.get(0))
                                    .startsWith(
                                            "Evaluation of checkpoint step 3 (model 64-32-16, seed 42)");
                            assertThat(lines.get(1))
                                    .contains(
                                            "representation",
                                            "probe, all labels",
                                            "probe, 100 labels",
                                            "kNN k=20");
                            assertThat(lines.get(2)).startsWith("raw features").contains(" 64 ");
                            assertThat(lines.get(3)).startsWith("untrained encoder (seed 42)");
                            assertThat(lines.get(4))
                                    .startsWith("learned encoder (step 3)")
                                    .contains(" 32 ");
                            assertThat(lines.get(5))
                                    .startsWith("learned minus untrained (points)")
                                    .containsPattern("[+-]\\d+\\.\\d\\d");
                        });
    }

    @Test
    void shouldExitWith1AndOneLineForACorruptCheckpoint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.ckpt");
        Files.write(file, new byte[] {1, 2, 3});

        CliRun run =
                CliRun.of("evaluate", "--checkpoint", file.toString(), "--dataset", "synthetic:20");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).singleElement().asString().startsWith("error: ");
    }
}
