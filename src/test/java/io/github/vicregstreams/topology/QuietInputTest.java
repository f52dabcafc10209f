package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuietInputTest {

    @Test
    void shouldCountTheTimeSinceTheLastRecordWhilePunctuationsComeOnTime() {
        QuietInput quiet = new QuietInput(5_000, 0);
        quiet.arrived(300);

        assertThat(quiet.quietMs(1_000)).isEqualTo(700);
        assertThat(quiet.quietMs(2_000)).isEqualTo(1_700);
        quiet.arrived(2_500);
        assertThat(quiet.quietMs(3_000)).isEqualTo(500);
        assertThat(quiet.quietMs(4_000)).isEqualTo(1_500);
    }

    @Test
    void shouldStartTheQuietAgainAtAPunctuationTwoIntervalsLate() {
        QuietInput quiet = new QuietInput(5_000, 0); // punctuations every 1 s
        quiet.arrived(100);
        assertThat(quiet.quietMs(1_000)).isEqualTo(900);

        // The thread was blocked for 6 s: records may be waiting unread behind it.
        assertThat(quiet.quietMs(7_000)).isZero();
        assertThat(quiet.quietMs(8_000)).isEqualTo(1_000);
        assertThat(quiet.quietMs(9_000)).isEqualTo(2_000);
        assertThat(quiet.quietMs(10_500)).isEqualTo(3_500);
        assertThat(quiet.quietMs(12_000)).isEqualTo(5_000);
    }

    @Test
    void shouldNotCountAPunctuationLessThanTwoIntervalsLateAsAStall() {
        QuietInput quiet = new QuietInput(5_000, 0);

        assertThat(quiet.quietMs(1_999)).isEqualTo(1_999);
        assertThat(quiet.quietMs(3_998)).isEqualTo(3_998);
        assertThat(quiet.quietMs(5_997)).isEqualTo(5_997);
    }

    @Test
    void shouldNeverGoBackInTimeWhenAClockRunsBackwards() {
        QuietInput quiet = new QuietInput(5_000, 1_000);
        quiet.arrived(900); // before the watch started: the quiet still starts at 1,000

        assertThat(quiet.quietMs(1_500)).isEqualTo(500);
        assertThat(quiet.quietMs(1_400)).isEqualTo(400);
        assertThat(quiet.quietMs(2_000)).isEqualTo(1_000);
    }

    @Test
    void shouldPunctuateAtHalfTheWindowAtMostEverySecond() {
        assertThat(new QuietInput(60_000, 0).checkIntervalMs()).isEqualTo(1_000);
        assertThat(new QuietInput(5_000, 0).checkIntervalMs()).isEqualTo(1_000);
        assertThat(new QuietInput(1_000, 0).checkIntervalMs()).isEqualTo(500);
        assertThat(new QuietInput(3, 0).checkIntervalMs()).isEqualTo(1);
        assertThat(new QuietInput(1, 0).checkIntervalMs()).isEqualTo(1);
    }

    @Test
    void shouldSeeAWindowOfQuietWithPunctuationsOnTimeWhateverTheWindow() {
        for (long window : new long[] {1, 2, 3, 999, 1_000, 5_000, 60_000}) {
            QuietInput quiet = new QuietInput(window, 0);
            long now = 0;
            long seen = 0;
            while (seen < window) {
                now += quiet.checkIntervalMs();
                seen = quiet.quietMs(now);
            }
            assertThat(seen).as("window %d", window).isEqualTo(now);
        }
    }

    @Test
    void shouldRefuseAWindowUnder1Ms() {
        assertThatThrownBy(() -> new QuietInput(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("windowMs must be at least 1. Got: 0");
    }
}
