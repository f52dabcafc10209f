package io.github.vicregstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void shouldTakeTheMiddleValueWhenTheCountIsOdd() {
        assertThat(Stats.median(new double[] {9, 1, 5})).isEqualTo(5);
    }

    @Test
    void shouldAverageTheMiddleTwoWhenTheCountIsEven() {
        double[] values = {4, 1, 3, 2};

        assertThat(Stats.median(values)).isEqualTo(2.5);
        assertThat(values).containsExactly(4, 1, 3, 2); // left as it was
    }

    @Test
    void shouldRoundToThreeDecimalsWhenAskedForThousandths() {
        assertThat(Stats.thousandths(1.23456)).isEqualTo(1.235);
        assertThat(Stats.thousandths(new double[] {0.0004, 2})).containsExactly(0.0, 2.0);
    }
}
