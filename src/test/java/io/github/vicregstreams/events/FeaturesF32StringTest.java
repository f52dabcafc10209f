package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code featuresF32} is a JSON string like any other: wherever it sits, with JSON escapes, and
 * with characters base64 does not have, it decodes (or is refused) as the JSON text says.
 */
class FeaturesF32StringTest {

    private final FeatureEventParser<ViewEvent> parser = FeatureEventParser.views(2);

    private Parsed<ViewEvent> parse(String json) {
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        return parser.parse("s1".getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void shouldReadThePlainStringWhereverItSitsAmongOtherFields() {
        // 1.0f, 2.0f little-endian; whitespace before the value, metadata with strings after it
        Parsed<ViewEvent> parsed =
                parse(
                        "{ \"id\" : \"s1\", \"view\": 1, \"featuresF32\" :   \"AACAPwAAAEA=\" ,"
                                + " \"metadata\": {\"note\": \"a \\\"quoted\\\" AAAA\"}}");

        assertThat(parsed.value().features()).containsExactly(1f, 2f);
        assertThat(parsed.value().metadata().json())
                .isEqualTo("{\"note\": \"a \\\"quoted\\\" AAAA\"}");
    }

    @Test
    void shouldDecodeAnEscapedStringThroughTheParser() {
        // \u0041 is 'A': the same base64 once the JSON escape is decoded
        Parsed<ViewEvent> parsed =
                parse("{\"id\":\"s1\",\"view\":0,\"featuresF32\":\"\\u0041ACAPwAAAEA=\"}");

        assertThat(parsed.value().features()).containsExactly(1f, 2f);
    }

    @Test
    void shouldRejectNonAsciiInTheStringAsBadBase64AsBefore() {
        Parsed<ViewEvent> parsed =
                parse("{\"id\":\"s1\",\"view\":0,\"featuresF32\":\"AACAPwAAAE\u00e9\"}");

        assertThat(((Parsed.Rejected<ViewEvent>) parsed).reason())
                .isEqualTo(Reason.BAD_FEATURES_F32);
    }

    @Test
    void shouldRejectAControlCharacterInTheStringAsNotJson() {
        Parsed<ViewEvent> parsed =
                parse("{\"id\":\"s1\",\"view\":0,\"featuresF32\":\"AACAPwAA\tAEA=\"}");

        assertThat(((Parsed.Rejected<ViewEvent>) parsed).reason()).isEqualTo(Reason.NOT_JSON);
    }

    @Test
    void shouldRejectWhitespaceInsideTheStringWithTheRulesMessage() {
        // Jackson's own base64 decoder skips the space; the rule (the JDK's decoder) does not.
        Parsed<ViewEvent> parsed =
                parse("{\"id\":\"s1\",\"view\":0,\"featuresF32\":\"AACAPwAA AEA=\"}");

        Parsed.Rejected<ViewEvent> rejected = (Parsed.Rejected<ViewEvent>) parsed;
        assertThat(rejected.reason()).isEqualTo(Reason.BAD_FEATURES_F32);
        assertThat(rejected.detail())
                .isEqualTo(
                        "featuresF32 must be padded standard base64 (length a multiple of 4). Got:"
                                + " 13 characters");
    }

    @Test
    void shouldRejectPaddingInsideTheStringThoughItDecodesToWholeFloats() {
        // Jackson's decoder reads "AACAPw==" and "AAAAAA==" as 4 + 4 bytes: two float32 values.
        Parsed<ViewEvent> parsed =
                parse("{\"id\":\"s1\",\"view\":0,\"featuresF32\":\"AACAPw==AAAAAA==\"}");

        Parsed.Rejected<ViewEvent> rejected = (Parsed.Rejected<ViewEvent>) parsed;
        assertThat(rejected.reason()).isEqualTo(Reason.BAD_FEATURES_F32);
        assertThat(rejected.detail()).startsWith("featuresF32 must be standard base64");
    }

    @Test
    void shouldRejectACharacterOutsideTheAlphabetWithTheRulesMessage() {
        Parsed<ViewEvent> parsed =
                parse("{\"id\":\"s1\",\"view\":0,\"featuresF32\":\"AACAPw-AAEA=\"}");

        Parsed.Rejected<ViewEvent> rejected = (Parsed.Rejected<ViewEvent>) parsed;
        assertThat(rejected.reason()).isEqualTo(Reason.BAD_FEATURES_F32);
        assertThat(rejected.detail())
                .isEqualTo(
                        "featuresF32 must be standard base64 (A-Z a-z 0-9 + / and = padding): Illegal"
                                + " base64 character 2d");
    }

    @Test
    void shouldRejectAnUnterminatedStringAsNotJson() {
        Parsed<ViewEvent> parsed = parse("{\"id\":\"s1\",\"view\":0,\"featuresF32\":\"AACAPwAA");

        assertThat(((Parsed.Rejected<ViewEvent>) parsed).reason()).isEqualTo(Reason.NOT_JSON);
    }

    @Test
    void shouldReadBothViewsOfAPairEventFromTheRecordBytes() {
        Parsed<PairEvent> parsed =
                FeatureEventParser.pairs(2)
                        .parse(
                                "p1".getBytes(StandardCharsets.UTF_8),
                                ("{\"id\":\"p1\",\"featuresF32\":[\"AACAPwAAAEA=\","
                                                + " \"AABAQAAAgEA=\"]}")
                                        .getBytes(StandardCharsets.UTF_8));

        assertThat(parsed.value().view0()).containsExactly(1f, 2f);
        assertThat(parsed.value().view1()).containsExactly(3f, 4f);
    }
}
