package io.github.vicregstreams.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ViewGeneratorTest {

    private static final ImageShape SHAPE = new ImageShape(8, 8);

    private static float[] sample() {
        float[] x = new float[SHAPE.pixels()];
        for (int k = 0; k < x.length; k++) {
            x[k] = (k % 9) / 9f;
        }
        return x;
    }

    private static final ViewGenerator GENERATOR =
            ViewGenerator.symmetric(Augmentations.imageDefaults(SHAPE), 1234L);

    @Test
    void shouldGiveTheSameViewsWhenSeedAndIndexAreTheSame() {
        ViewPair first = GENERATOR.views(sample(), 17);
        ViewPair again =
                ViewGenerator.symmetric(Augmentations.imageDefaults(SHAPE), 1234L)
                        .views(sample(), 17);

        assertThat(again).isEqualTo(first);
        assertThat(again.first()).containsExactly(first.first());
        assertThat(again.second()).containsExactly(first.second());
    }

    @Test
    void shouldGiveDifferentViewsWhenTheIndexDiffers() {
        ViewPair seventeen = GENERATOR.views(sample(), 17);
        ViewPair eighteen = GENERATOR.views(sample(), 18);

        assertThat(eighteen.first()).isNotEqualTo(seventeen.first());
        assertThat(eighteen.second()).isNotEqualTo(seventeen.second());
    }

    @Test
    void shouldGiveDifferentViewsWhenTheSeedDiffers() {
        ViewPair a = GENERATOR.views(sample(), 17);
        ViewPair b =
                ViewGenerator.symmetric(Augmentations.imageDefaults(SHAPE), 1235L)
                        .views(sample(), 17);

        assertThat(b.first()).isNotEqualTo(a.first());
    }

    @Test
    void shouldMakeTwoDifferentViewsOfOneSample() {
        ViewPair views = GENERATOR.views(sample(), 3);

        assertThat(views.first()).isNotEqualTo(views.second());
        assertThat(views.view(0)).containsExactly(views.first());
        assertThat(views.view(1)).containsExactly(views.second());
    }

    @Test
    void shouldLeaveTheSampleUnchanged() {
        float[] x = sample();

        GENERATOR.views(x, 5);

        assertThat(x).containsExactly(sample());
    }

    @Test
    void shouldApplyEachViewsOwnAugmentationWhenAsymmetric() {
        ViewGenerator generator =
                new ViewGenerator(Augmentations.identity(), new GaussianNoise(0.5), 99L);

        ViewPair views = generator.views(sample(), 0);

        assertThat(views.first()).containsExactly(sample());
        assertThat(views.second()).isNotEqualTo(sample());
    }
}
