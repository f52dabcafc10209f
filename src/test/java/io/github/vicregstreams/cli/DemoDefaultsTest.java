package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.ImageShape;
import io.github.vicregstreams.data.SyntheticDataset;
import io.github.vicregstreams.topology.LearnerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The learner settings a demo starts from, before the user's own. */
class DemoDefaultsTest {

    @Test
    void shouldLetTheLearnerDrawAndReplayTheViewsOfImages() {
        Dataset images =
                Dataset.of(
                        "tiny-images",
                        new float[][] {new float[8], new float[8]},
                        new int[] {0, 1},
                        new ImageShape(2, 4));

        Map<String, String> defaults = DemoCommand.learnerDefaults(images, "shift:1,flip:0.5", 256);

        assertThat(defaults).containsAllEntriesOf(DemoCommand.IMAGE_DEFAULTS);
        assertThat(defaults)
                .containsEntry(LearnerConfig.TRAIN_AUGMENTATION_CONFIG, "shift:1,flip:0.5")
                .containsEntry(LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG, "2x4");
        LearnerConfig config = LearnerConfig.of(defaults); // image steps fit the 2x4 layout
        assertThat(config.trainsOnSamples()).isTrue();
    }

    @Test
    void shouldKeepProducerMadeViewsForPlainFeatureVectors() {
        Dataset vectors = SyntheticDataset.builder().optRows(10).generate(); // 64 features

        Map<String, String> defaults = DemoCommand.learnerDefaults(vectors, "default", 256);

        assertThat(defaults).doesNotContainKey(LearnerConfig.TRAIN_SOURCE_CONFIG);
        assertThat(defaults).doesNotContainKey(LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG);
        // 64 is a square, but these are no 8x8 images.
        assertThat(defaults).containsEntry(LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG, "none");
        assertThat(LearnerConfig.of(defaults).trainsOnSamples()).isFalse();
    }
}
