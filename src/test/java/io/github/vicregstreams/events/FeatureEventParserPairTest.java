package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FeatureEventParserPairTest {

    private final FeatureEventParser<PairEvent> parser = FeatureEventParser.pairs(2);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadViewZeroThenViewOneWithTimestampAndMetadata() {
        Parsed<PairEvent> parsed =
                parser.parse(
                        utf8("s1"),
                        utf8(
                                "{\"id\":\"s1\",\"features\":[[1,2],[3,4]],\"timestamp\":5,\"metadata\":{\"k\":1}}"));

        PairEvent event = parsed.value();
        assertThat(event.view0()).containsExactly(1f, 2f);
        assertThat(event.view1()).containsExactly(3f, 4f);
        assertThat(event.timestampOr(9)).isEqualTo(5);
        assertThat(event.metadata().json()).isEqualTo("{\"k\":1}");
    }

    @Test
    void shouldReadBothBase64Views() {
        // 1.0f = 0000803F, 2.0f = 00000040 (little-endian)
        Parsed<PairEvent> parsed =
                parser.parse(
                        utf8("s1"),
                        utf8(
                                "{\"id\":\"s1\",\"featuresF32\":[\"AACAPwAAAEA=\",\"AAAAQAAAgD8=\"]}"));

        assertThat(parsed.value().view0()).containsExactly(1f, 2f);
        assertThat(parsed.value().view1()).containsExactly(2f, 1f);
    }

    @Test
    void shouldApplyTheKeyRulesOfEveryInput() {
        Parsed<PairEvent> parsed =
                parser.parse(utf8("other"), utf8("{\"id\":\"s1\",\"features\":[[1,2],[3,4]]}"));

        assertThat(((Parsed.Rejected<PairEvent>) parsed).reason()).isEqualTo(Reason.KEY_MISMATCH);
    }

    @Test
    void shouldNameTheViewWhoseFeatureCountIsWrong() {
        Parsed<PairEvent> parsed =
                parser.parse(utf8("s1"), utf8("{\"id\":\"s1\",\"features\":[[1,2],[3,4,5]]}"));

        Parsed.Rejected<PairEvent> rejected = (Parsed.Rejected<PairEvent>) parsed;
        assertThat(rejected.reason()).isEqualTo(Reason.WRONG_FEATURE_COUNT);
        assertThat(rejected.detail()).contains("features[1]");
    }

    @Test
    void shouldReadWhatTheSerdeWritesInBothEncodings() {
        PairEvent event =
                new PairEvent(
                        "s1",
                        new float[] {1.5f, -2f},
                        new float[] {0.25f, 3f},
                        7L,
                        Metadata.of("{}"));
        for (FeatureEncoding encoding : FeatureEncoding.values()) {
            var serde = EventSerdes.pairEvents(parser, encoding);

            PairEvent back =
                    serde.deserializer().deserialize("t", serde.serializer().serialize("t", event));

            assertThat(back.view0()).as(encoding.toString()).containsExactly(1.5f, -2f);
            assertThat(back.view1()).as(encoding.toString()).containsExactly(0.25f, 3f);
            assertThat(back.timestamp()).isEqualTo(7L);
        }
    }
}
