package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NoGradTest {

    private boolean before;

    @BeforeEach
    void recordTheThreadsGradMode() {
        Djl.engine();
        before = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    @AfterEach
    void restoreTheThreadsGradMode() {
        JniUtils.setGradMode(before);
    }

    @Test
    void shouldTurnGradientsOffInsideAndBackOnWhenClosed() {
        NoGrad scope = NoGrad.enter();
        assertThat(JniUtils.isGradMode()).isFalse();

        scope.close();
        assertThat(JniUtils.isGradMode()).isTrue();

        JniUtils.setGradMode(false);
        scope.close();
        assertThat(JniUtils.isGradMode()).as("a second close changes nothing").isFalse();
        JniUtils.setGradMode(true);
    }

    @Test
    void shouldRestoreTheOuterModeWhenScopesNest() {
        NoGrad.run(
                () -> {
                    NoGrad.run(() -> assertThat(JniUtils.isGradMode()).isFalse());
                    assertThat(JniUtils.isGradMode()).isFalse();
                });
        assertThat(JniUtils.isGradMode()).isTrue();
    }

    @Test
    void shouldRestoreTheModeWhenTheBodyThrows() {
        assertThatThrownBy(
                        () ->
                                NoGrad.call(
                                        () -> {
                                            throw new IllegalStateException("boom");
                                        }))
                .hasMessage("boom");
        assertThat(JniUtils.isGradMode()).isTrue();
    }

    @Test
    void shouldReturnTheValueComputedWithoutGradients() {
        assertThat(NoGrad.call(JniUtils::isGradMode)).isFalse();
    }
}
