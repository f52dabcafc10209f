package io.github.vicregstreams.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CollapseDetectorTest {

    private final AtomicLong nanos = new AtomicLong();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();
    private final CollapseDetector detector =
            new CollapseDetector(
                    new CollapseDetector.Thresholds(0.1, 2.0),
                    Duration.ofMinutes(1),
                    nanos::get,
                    warnings::add,
                    infos::add);

    @Test
    void shouldStayQuietWhileTheMeasurementsAreHealthy() {
        CollapseDetector.Verdict verdict = detector.check(10, 0.9, 12.5);

        assertThat(verdict).isEqualTo(CollapseDetector.Verdict.HEALTHY);
        assertThat(warnings).isEmpty();
        assertThat(infos).isEmpty();
    }

    @Test
    void shouldWarnWithTheStepTheValueAndTheThresholdWhenTheProjectionStdFalls() {
        CollapseDetector.Verdict verdict = detector.check(42, 0.01, 12.5);

        assertThat(verdict.collapsed()).isTrue();
        assertThat(verdict.reasons())
                .containsExactly("projection std (mean) is 0.01000, below 0.1000");
        assertThat(warnings)
                .containsExactly(
                        "COLLAPSE WARNING at step 42: projection std (mean) is 0.01000, below"
                                + " 0.1000. The model is losing the information in its inputs: check"
                                + " that the two views of a pair differ, raise loss.mu.var, or lower"
                                + " train.learning.rate.");
    }

    @Test
    void shouldWarnWhenTheEffectiveRankFalls() {
        CollapseDetector.Verdict verdict = detector.check(7, 0.9, 1.2);

        assertThat(verdict.reasons())
                .containsExactly("effective rank of recent embeddings is 1.20, below 2.00");
        assertThat(warnings).hasSize(1);
    }

    @Test
    void shouldRepeatAPersistingWarningOncePerInterval() {
        detector.check(1, 0.01, Double.NaN);
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        detector.check(2, 0.01, Double.NaN); // within the minute: quiet
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        detector.check(3, 0.01, Double.NaN); // a minute after the first: again

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).startsWith("COLLAPSE WARNING at step 3:");
    }

    @Test
    void shouldSayOnceWhenTheCollapseIsOver() {
        detector.check(1, 0.01, 1.0);
        detector.check(2, 0.5, 4.0);
        detector.check(3, 0.6, 5.0);

        assertThat(detector.last()).isEqualTo(CollapseDetector.Verdict.HEALTHY);
        assertThat(infos)
                .containsExactly(
                        "Collapse warning cleared at step 2: the measurements are healthy again");
    }

    @Test
    void shouldNotCheckWhatIsNotMeasured() {
        assertThat(detector.check(1, Double.NaN, Double.NaN).collapsed()).isFalse();
    }

    @Test
    void shouldNotCheckWhenAThresholdIsZero() {
        CollapseDetector off =
                new CollapseDetector(
                        new CollapseDetector.Thresholds(0, 0),
                        Duration.ofMinutes(1),
                        nanos::get,
                        warnings::add,
                        infos::add);

        assertThat(off.check(1, 0.0, 0.0).collapsed()).isFalse();
    }

    @Test
    void shouldRejectNegativeThresholds() {
        assertThatThrownBy(() -> new CollapseDetector.Thresholds(-1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minProjectionStd must be finite and at least 0. Got: -1.0");
    }
}
