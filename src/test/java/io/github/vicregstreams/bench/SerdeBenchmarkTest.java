package io.github.vicregstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A smoke test: the benchmark runs and reports every case. It asserts no speed. */
class SerdeBenchmarkTest {

    @Test
    void shouldReportEveryCaseWhenRunTiny() {
        List<SerdeBenchmark.Result> results =
                SerdeBenchmark.run(new SerdeBenchmark.Options(8, 10, 0, 1, 1));

        assertThat(results).hasSize(8); // 2 value kinds x 2 encodings x (read, write)
        assertThat(results).allSatisfy(r -> assertThat(r.eventsPerSecond()).isPositive());
    }

    @Test
    void shouldTakeEachGivenArgumentOverItsDefaultWhenParsing() {
        assertThat(SerdeBenchmark.parse(new String[0]))
                .isEqualTo(new SerdeBenchmark.Options(784, 1000, 5, 10, 500));
        assertThat(SerdeBenchmark.parse(new String[] {"--round-ms=7", "--dim=8", "--warmup=0"}))
                .isEqualTo(new SerdeBenchmark.Options(8, 1000, 0, 10, 7));
    }

    @Test
    void shouldNameTheKnownArgumentsWhenGivenAnUnknownOne() {
        assertThatThrownBy(() -> SerdeBenchmark.parse(new String[] {"--size=3"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unknown argument. Got: --size=3; known: --dim --events --warmup --rounds"
                                + " --round-ms");
    }
}
