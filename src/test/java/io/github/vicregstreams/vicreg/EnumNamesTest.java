package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnumNamesTest {

    enum Source {
        FASHION_MNIST,
        CSV
    }

    @Test
    void shouldNameAConstantInLowerCaseWithHyphensWhenItHasUnderscores() {
        assertThat(EnumNames.of(Source.FASHION_MNIST)).isEqualTo("fashion-mnist");
        assertThat(EnumNames.of(Source.CSV)).isEqualTo("csv");
    }

    @Test
    void shouldReadANameCaseInsensitivelyAndTrimmedWhenParsing() {
        assertThat(EnumNames.parse(Source.class, "source", " Fashion-MNIST "))
                .isEqualTo(Source.FASHION_MNIST);
    }

    @Test
    void shouldListEveryNameWhenTheNameIsUnknownOrNull() {
        assertThatThrownBy(() -> EnumNames.parse(Source.class, "source", "FASHION_MNIST"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source must be one of fashion-mnist, csv. Got: FASHION_MNIST");
        assertThatThrownBy(() -> EnumNames.parse(Source.class, "source", null))
                .hasMessage("source must be one of fashion-mnist, csv. Got: null");
    }
}
