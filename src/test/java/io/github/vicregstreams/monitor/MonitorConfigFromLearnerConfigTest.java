package io.github.vicregstreams.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.topology.LearnerConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitorConfigFromLearnerConfigTest {

    private static LearnerConfig learner(Map<String, Object> more) {
        Map<String, Object> values = new HashMap<>(more);
        values.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, 784);
        return LearnerConfig.of(values);
    }

    @Test
    void shouldBeTheMonitorsDefaultsWhenTheLearnerSetsNothing() {
        // The learner's settings state the default address and port again: they must agree.
        assertThat(MonitorConfig.from(learner(Map.of()))).isEqualTo(MonitorConfig.defaults());
    }

    @Test
    void shouldTakeTheMonitorAndCollapseSettingsWhenTheLearnerSetsThem() {
        LearnerConfig learner =
                learner(
                        Map.of(
                                LearnerConfig.MONITOR_ENABLED_CONFIG, "false",
                                LearnerConfig.MONITOR_ADDRESS_CONFIG, "0.0.0.0",
                                LearnerConfig.MONITOR_PORT_CONFIG, "0",
                                LearnerConfig.MONITOR_AUTH_TOKEN_CONFIG, "s3cret",
                                LearnerConfig.COLLAPSE_STD_THRESHOLD_CONFIG, "0.2",
                                LearnerConfig.COLLAPSE_RANK_THRESHOLD_CONFIG, "3"));

        MonitorConfig config = MonitorConfig.from(learner);

        assertThat(config.enabled()).isFalse();
        assertThat(config.address()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isZero();
        assertThat(config.authToken()).isEqualTo("s3cret");
        assertThat(config.collapse()).isEqualTo(learner.collapseThresholds());
        assertThat(config.collapse().minProjectionStd()).isEqualTo(0.2);
    }
}
