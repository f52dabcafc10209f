package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.source=samples}: the trainer trains on the samples of the samples topic too, with
 * views it draws itself, while inference embeds each sample once.
 */
class TrainingOnSamplesTest {

    private static final Map<String, Object> ON_SAMPLES =
            Map.of(
                    LearnerConfig.TRAIN_SOURCE_CONFIG,
                    "samples",
                    LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG,
                    1);

    @TempDir Path stateDir;

    @Test
    void shouldTrainOnTheViewsItDrawsOfEachSampleAndEmbedEachSampleOnce() {
        try (LearnerDriver d = new LearnerDriver(stateDir, ON_SAMPLES)) {
            List<TrainingPair> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = "s" + i;
                d.sendSample(id, 10 + i);
                sent.add(TrainingPair.sample(id, 10 + i, null, LearnerDriver.features(id, 0)));
            }

            List<MetricsEvent> steps = d.metrics.readValuesToList();
            assertThat(steps).extracting(MetricsEvent::step).containsExactly(1L, 2L);
            assertThat(steps).extracting(MetricsEvent::batchSize).containsExactly(4, 4);
            List<EmbeddingEvent> embeddings = d.embeddings.readValuesToList();
            assertThat(embeddings)
                    .extracting(EmbeddingEvent::id)
                    .containsExactlyElementsOf(sent.stream().map(TrainingPair::id).toList());
            assertThat(embeddings)
                    .extracting(EmbeddingEvent::source)
                    .containsOnly(EmbeddingEvent.Source.INFERENCE);

            // The checkpoint of step 2 is the model two steps on the drawn views give, and not
            // the one the raw samples would give.
            TrainingSource source = TrainingSourceKeys.settings(d.config);
            try (VicregTrainer learned =
                            VicregTrainer.restore(
                                    d.readCheckpoint().checkpoint(), null, DeviceChoice.CPU);
                    VicregTrainer onDrawnViews = trainOn(d, sent, new TrainerViews(source));
                    VicregTrainer onRawSamples = trainOn(d, sent, null)) {
                float[][] probe = {LearnerDriver.features("probe", 0)};
                assertThat(learned.step()).isEqualTo(2);
                assertThat(learned.embed(probe)[0]).containsExactly(onDrawnViews.embed(probe)[0]);
                assertThat(learned.embed(probe)[0]).isNotEqualTo(onRawSamples.embed(probe)[0]);
            }
        }
    }

    /** A fresh trainer of the driver's configuration, trained on batches of 4 of {@code pairs}. */
    private static VicregTrainer trainOn(
            LearnerDriver d, List<TrainingPair> pairs, TrainerViews views) {
        VicregTrainer trainer = VicregTrainer.create(d.config.trainerConfig(), DeviceChoice.CPU);
        for (int from = 0; from < pairs.size(); from += 4) {
            List<TrainingPair> batch = pairs.subList(from, from + 4);
            if (views == null) {
                float[][] raw = batch.stream().map(TrainingPair::view0).toArray(float[][]::new);
                trainer.step(raw, raw);
            } else {
                float[][][] drawn = views.of(batch, trainer.step());
                trainer.step(drawn[0], drawn[1]);
            }
        }
        return trainer;
    }

    @Test
    void shouldTrainOnNoneOfTheSamplesItDeadLetters() {
        try (LearnerDriver d = new LearnerDriver(stateDir, ON_SAMPLES)) {
            d.sendSampleRaw("short", LearnerDriver.sampleJson("short", new float[3], null), 1);
            d.sendSampleRaw("bad-json", "{not json", 2);
            for (int i = 0; i < 4; i++) {
                d.sendSample("s" + i, 10 + i);
            }

            assertThat(d.deadLetters.readValuesToList())
                    .extracting(DeadLetter::reason)
                    .containsExactly("wrong_feature_count", "not_json");
            assertThat(d.metrics.readValuesToList())
                    .extracting(MetricsEvent::batchSize)
                    .containsExactly(4);
        }
    }

    @Test
    void shouldNotTrainOnSamplesByDefault() {
        try (LearnerDriver d =
                new LearnerDriver(stateDir, Map.of(LearnerConfig.INFERENCE_BATCH_SIZE_CONFIG, 1))) {
            for (int i = 0; i < 8; i++) {
                d.sendSample("s" + i, 10 + i);
            }
            assertThat(d.metrics.isEmpty()).isTrue();
            assertThat(d.embeddings.readValuesToList()).hasSize(8);
        }
    }

    @Test
    void shouldRefuseAnAugmentationThatDoesNotFitTheInputWhenTheConfigurationLoads() {
        assertThatThrownBy(() -> config(784, "shift:1,wobble:2", "auto"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LearnerConfig.TRAIN_AUGMENTATION_CONFIG)
                .hasMessageContaining("Unknown augmentation step 'wobble'");
        // 8 features are no square image: image steps need a layout.
        assertThatThrownBy(() -> config(8, "shift:1", "auto"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("works on images");
        assertThatThrownBy(() -> config(8, "shift:1", "3x3"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG)
                .hasMessageContaining("9 pixels, but model.input.dim is 8");
        assertThatThrownBy(() -> config(8, "shift:1", "2xwide"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG);
        assertThatThrownBy(() -> config(8, "shift:1", "square"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Must be auto, none or HEIGHTxWIDTH");
        assertThatThrownBy(() -> config(784, "default", "auto", "pictures"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LearnerConfig.TRAIN_SOURCE_CONFIG);
    }

    @Test
    void shouldTakeImageStepsForASquareInputOrAGivenLayout() {
        assertThat(config(784, "shift:2,flip:0.5,erase:0.25,noise:0.05", "auto")).isNotNull();
        assertThat(config(8, "shift:1,flip:0.5", "2x4")).isNotNull();
        assertThat(config(8, "noise:0.1,mask:0.2", "none")).isNotNull();
    }

    private static LearnerConfig config(int inputDim, String augmentation, String image) {
        return config(inputDim, augmentation, image, "samples");
    }

    private static LearnerConfig config(
            int inputDim, String augmentation, String image, String source) {
        Map<String, Object> values = new HashMap<>();
        values.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, inputDim);
        values.put(LearnerConfig.TRAIN_SOURCE_CONFIG, source);
        values.put(LearnerConfig.TRAIN_AUGMENTATION_CONFIG, augmentation);
        values.put(LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG, image);
        return LearnerConfig.of(values);
    }
}
