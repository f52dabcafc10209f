package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ReplayKeysTest {

    private static LearnerConfig config(Map<String, Object> replay) {
        Map<String, Object> values = new HashMap<>(replay);
        values.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, 8);
        values.put(LearnerConfig.TRAIN_BATCH_SIZE_CONFIG, 16);
        return LearnerConfig.of(values);
    }

    @Test
    void shouldBeOffByDefault() {
        ReplaySettings settings = ReplayKeys.settings(config(Map.of()));

        assertThat(settings.enabled()).isFalse();
        assertThat(settings).isEqualTo(ReplaySettings.OFF);
    }

    @Test
    void shouldReadTheKeysAndReplayTrainingBatchesByDefault() {
        ReplaySettings settings =
                ReplayKeys.settings(
                        config(
                                Map.of(
                                        LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, 1000,
                                        LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG, 3,
                                        LearnerConfig.TRAIN_REPLAY_EVICTION_CONFIG,
                                                " Min-Redundancy ")));

        assertThat(settings)
                .isEqualTo(new ReplaySettings(1000, 3, ReplayEviction.MIN_REDUNDANCY, 16));
        assertThat(
                        ReplayKeys.settings(
                                        config(
                                                Map.of(
                                                        LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG,
                                                                1000,
                                                        LearnerConfig
                                                                        .TRAIN_REPLAY_BATCH_SIZE_CONFIG,
                                                                64)))
                                .batchSize())
                .isEqualTo(64);
    }

    @Test
    void shouldNameTheEvictionsAnUnknownOneCouldHaveBeen() {
        assertThatThrownBy(() -> config(Map.of(LearnerConfig.TRAIN_REPLAY_EVICTION_CONFIG, "lru")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "train.replay.eviction must be one of fifo, reservoir, min-redundancy. Got:"
                                + " lru");
    }

    @Test
    void shouldRefuseNegativeAndUselessValues() {
        assertThatThrownBy(() -> config(Map.of(LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, -1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.replay.capacity");
        assertThatThrownBy(() -> config(Map.of(LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG, -2)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.replay.updates");
        assertThatThrownBy(() -> config(Map.of(LearnerConfig.TRAIN_REPLAY_BATCH_SIZE_CONFIG, -3)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.replay.batch.size");
        assertThatThrownBy(() -> config(Map.of(LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, 1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.replay.capacity")
                .hasMessageContaining("at least 2 pairs");
        assertThatThrownBy(
                        () ->
                                config(
                                        Map.of(
                                                LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, 100,
                                                LearnerConfig.TRAIN_REPLAY_UPDATES_CONFIG, 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.replay.updates")
                .hasMessageContaining("At least 1 replay step");
        assertThatThrownBy(
                        () ->
                                config(
                                        Map.of(
                                                LearnerConfig.TRAIN_REPLAY_CAPACITY_CONFIG, 100,
                                                LearnerConfig.TRAIN_REPLAY_BATCH_SIZE_CONFIG, 1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.replay.batch.size")
                .hasMessageContaining("at least 2 pairs");
    }
}
