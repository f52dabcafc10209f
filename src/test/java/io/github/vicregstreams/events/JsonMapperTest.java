package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

/** The shared {@link Json#MAPPER} keeps the configuration its comment promises. */
class JsonMapperTest {

    @Test
    void shouldRefuseNonStandardJsonWhenReading() {
        assertThatThrownBy(() -> Json.MAPPER.readTree("{\"loss\":NaN}"))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Json.MAPPER.readTree("{\"a\":1,}"))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void shouldWriteNonFiniteDoublesAsStringsWhenWriting() throws JsonProcessingException {
        String json =
                Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("x", Double.NaN));

        assertThat(json).isEqualTo("{\"x\":\"NaN\"}");
    }

    @Test
    void shouldWriteCompactJsonUnlessAPrettyWriterIsAskedFor() throws JsonProcessingException {
        var node = Json.MAPPER.createObjectNode().put("a", 1);

        assertThat(Json.MAPPER.writeValueAsString(node)).isEqualTo("{\"a\":1}");
        assertThat(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node))
                .contains("\n");
    }
}
