package io.github.vicregstreams.events;

import static io.github.vicregstreams.events.FeatureEventParserViewTest.metadataOfSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {

    @Test
    void shouldKeepTextExactlyWhenValid() {
        String json = "{ \"a\" : [1, 2.50, {\"b\": null}], \"c\": \"寸法\" }";

        assertThat(Metadata.of("  " + json + "\n").json()).isEqualTo(json);
    }

    @Test
    void shouldWriteFieldsInTheirOrderWhenGivenAsAMap() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("label", null);
        fields.put("index", 7);
        fields.put("tags", List.of("a", "b"));

        assertThat(Metadata.of(fields).json())
                .isEqualTo("{\"label\":null,\"index\":7,\"tags\":[\"a\",\"b\"]}");
    }

    @Test
    void shouldRejectWhenAFieldCannotBeWrittenAsJson() {
        assertThatThrownBy(() -> Metadata.of(Map.of("thread", new Object())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectWhenNotAnObject() {
        assertThatThrownBy(() -> Metadata.of("[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metadata must be a JSON object. Got: an array");
    }

    @Test
    void shouldRejectWhenContentFollowsTheObject() {
        assertThatThrownBy(() -> Metadata.of("{} {}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("content after it");
    }

    @Test
    void shouldRejectWhenOverTheSizeLimit() {
        assertThatThrownBy(() -> Metadata.of(metadataOfSize(4097)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metadata must be at most 4096 bytes serialized. Got: 4097 bytes");
    }

    @Test
    void shouldCountUtf8BytesWhenMeasuringSize() {
        assertThat(Metadata.of("{\"n\":\"é\"}").sizeInBytes()).isEqualTo(10);
    }

    @Test
    void shouldConvertToAndFromJsonNode() {
        ObjectNode node = new ObjectMapper().createObjectNode().put("label", 7);

        Metadata metadata = Metadata.of(node);

        assertThat(metadata.json()).isEqualTo("{\"label\":7}");
        assertThat(metadata.toJsonNode()).isEqualTo(node);
    }
}
