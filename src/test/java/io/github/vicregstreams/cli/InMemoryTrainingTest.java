package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.data.Augmentations;
import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.ViewGenerator;
import io.github.vicregstreams.data.ViewPair;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.LossWeights;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.OptimizerConfig;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InMemoryTrainingTest {

    private static final TrainerConfig CONFIG =
            new TrainerConfig(
                    new ModelSpec(6, 16, 8),
                    LossWeights.defaults(),
                    OptimizerConfig.adam(1e-3f),
                    11);

    private static Dataset data(int rows) {
        Random random = new Random(rows);
        float[][] features = new float[rows][6];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 6; j++) {
                features[i][j] = labels[i] + (float) random.nextGaussian();
            }
        }
        return Dataset.of("test", features, labels, null);
    }

    @Test
    void shouldTrainFullBatchesAndAFinalPartialOneButNeverASinglePair() {
        ViewGenerator views = ViewGenerator.symmetric(Augmentations.identity(), 1);

        InMemoryTraining.Result ten =
                InMemoryTraining.train(CONFIG, DeviceChoice.CPU, data(10), views, 1, 4, p -> {});
        InMemoryTraining.Result nine =
                InMemoryTraining.train(CONFIG, DeviceChoice.CPU, data(9), views, 1, 4, p -> {});

        assertThat(ten.steps()).isEqualTo(3);
        assertThat(ten.pairs()).isEqualTo(10);
        assertThat(nine.steps()).isEqualTo(2);
        assertThat(nine.pairs()).isEqualTo(8);
    }

    @Test
    void shouldTrainThePairsTheProducerWouldSendInDatasetOrderPassAfterPass() {
        Dataset data = data(7);
        ViewGenerator views = ViewGenerator.symmetric(Augmentations.parse("noise:0.1", data), 5);
        List<Long> progress = new ArrayList<>();

        InMemoryTraining.Result result =
                InMemoryTraining.train(CONFIG, DeviceChoice.CPU, data, views, 2, 5, progress::add);

        // 14 pairs in batches of 5 across the pass boundary: 5, 5, 4.
        assertThat(progress).containsExactly(5L, 10L, 14L);
        try (VicregTrainer expected =
                VicregTrainer.create(
                        TrainerConfig.defaults(CONFIG.spec()).withSeed(CONFIG.seed()),
                        DeviceChoice.CPU)) {
            List<ViewPair> pairs = new ArrayList<>();
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < 7; i++) {
                    pairs.add(views.views(data.features(i), (long) pass * 7 + i));
                }
            }
            for (int start = 0; start < pairs.size(); start += 5) {
                List<ViewPair> batch = pairs.subList(start, Math.min(pairs.size(), start + 5));
                expected.step(
                        batch.stream().map(ViewPair::first).toArray(float[][]::new),
                        batch.stream().map(ViewPair::second).toArray(float[][]::new));
            }
            assertThat(result.checkpoint()).isEqualTo(expected.checkpoint());
        }
    }
}
