package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CheckpointHeadersTest {

    @Test
    void shouldReadBackStepAndSpecWhenWritten() {
        Headers headers = CheckpointHeaders.of(1200, "vicreg(in=784,h=512,p=256)");

        assertThat(CheckpointHeaders.step(headers)).isEqualTo(1200);
        assertThat(CheckpointHeaders.modelSpec(headers)).isEqualTo("vicreg(in=784,h=512,p=256)");
    }

    @Test
    void shouldWriteStepAsDecimalTextWhenWritten() {
        Headers headers = CheckpointHeaders.of(42, "spec");

        assertThat(new String(headers.lastHeader("vicreg.step").value(), StandardCharsets.UTF_8))
                .isEqualTo("42");
    }

    @Test
    void shouldRejectStepWhenHeaderIsNotANumber() {
        Headers headers =
                new RecordHeaders().add("vicreg.step", "x".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> CheckpointHeaders.step(headers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Header vicreg.step must be a non-negative decimal int64. Got: \"x\"");
    }

    @Test
    void shouldRejectModelSpecWhenHeaderIsMissing() {
        assertThatThrownBy(() -> CheckpointHeaders.modelSpec(new RecordHeaders()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A model-topic record must carry header vicreg.model.spec. Got: none");
    }
}
