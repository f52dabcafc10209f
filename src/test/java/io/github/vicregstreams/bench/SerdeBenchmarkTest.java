package io.github.vicregstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
}
