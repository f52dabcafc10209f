package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureEventParserViewTest {
    private static final int DIM = 4;
    private static final byte[] KEY = utf8("s-1");
    private static final String FEATURES = "\"features\":[0,0.5372549,1,-2.5]";

    private final FeatureEventParser<ViewEvent> parser = FeatureEventParser.views(DIM);

    // ---- accepted ---------------------------------------------------------------------------

    @Test
    void shouldAcceptViewWhenRecordIsValid() {
        ViewEvent event =
                parser.parse(
                                KEY,
                                utf8(
                                        "{\"id\":\"s-1\",\"view\":1,"
                                                + FEATURES
                                                + ",\"timestamp\":1767225600000,\"metadata\":{\"label\":7}}"))
                        .value();

        assertThat(event.id()).isEqualTo("s-1");
        assertThat(event.view()).isEqualTo(1);
        assertThat(event.features()).containsExactly(0f, 0.5372549f, 1f, -2.5f);
        assertThat(event.timestamp()).isEqualTo(1767225600000L);
        assertThat(event.metadata().json()).isEqualTo("{\"label\":7}");
    }

    @Test
    void shouldReadTheSameFeaturesWhenGivenAsFeaturesF32() {
        float[] features = {0f, 0.5372549f, 1f, -2.5f};

        ViewEvent event =
                parser.parse(KEY, view("\"featuresF32\":\"" + float32(features) + "\"")).value();

        assertThat(event.features()).containsExactly(features);
    }

    @Test
    void shouldLeaveTimestampAndMetadataNullWhenAbsentOrNull() {
        ViewEvent absent = parser.parse(KEY, view(FEATURES)).value();
        ViewEvent nulls =
                parser.parse(KEY, view(FEATURES + ",\"timestamp\":null,\"metadata\":null")).value();

        assertThat(absent.timestamp()).isNull();
        assertThat(absent.metadata()).isNull();
        assertThat(nulls).isEqualTo(absent);
    }

    @Test
    void shouldAcceptViewWhenWrittenAsOnePointZero() {
        ViewEvent event =
                parser.parse(KEY, utf8("{\"id\":\"s-1\",\"view\":1.0," + FEATURES + "}")).value();

        assertThat(event.view()).isEqualTo(1);
    }

    @Test
    void shouldAcceptIdWhenItHas256CharactersOutsideTheBasicPlane() {
        String id = "🙂".repeat(256); // 512 UTF-16 chars, 256 characters as JSON Schema counts them

        Parsed<ViewEvent> parsed = parser.parse(utf8(id), view(id, FEATURES));

        assertThat(parsed.isAccepted()).isTrue();
    }

    @Test
    void shouldCarryMetadataByteForByteWhenItIsNestedPrettyAndUnicode() {
        String metadata =
                "{\n  \"label\" : 7,\n  \"trace\": {\"id\": \"4bf9\", \"tags\": [1, 2.50, null]},"
                        + "\n  \"note\": \"größe – 寸法 🙂 \\u00e9\"\n}";

        ViewEvent event = parser.parse(KEY, view(FEATURES + ",\"metadata\":" + metadata)).value();

        assertThat(event.metadata().json()).isEqualTo(metadata);
        assertThat(event.metadata().sizeInBytes()).isEqualTo(utf8(metadata).length);
    }

    @Test
    void shouldAcceptMetadataWhenExactly4096Bytes() {
        String metadata = metadataOfSize(EventLimits.MAX_METADATA_BYTES);

        assertThat(parser.parse(KEY, view(FEATURES + ",\"metadata\":" + metadata)).isAccepted())
                .isTrue();
    }

    @Test
    void shouldAcceptRecordWhenExactlyAtTheSizeLimit() {
        byte[] value = view(FEATURES);
        FeatureEventParser<ViewEvent> tight =
                FeatureEventParser.views(DIM, KEY.length + value.length);

        assertThat(tight.parse(KEY, value).isAccepted()).isTrue();
    }

    // ---- not_json ---------------------------------------------------------------------------

    @Test
    void shouldRejectAsNotJsonWhenValueIsText() {
        assertRejected(parser.parse(KEY, utf8("hello")), Reason.NOT_JSON, "'hello'");
    }

    @Test
    void shouldRejectAsNotJsonWhenValueIsNotUtf8() {
        byte[] value = view(FEATURES + ",\"metadata\":{\"x\":\"\u00e9\"}");
        byte[] latin1 =
                new String(value, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);

        assertRejected(parser.parse(KEY, latin1), Reason.NOT_JSON, "Invalid UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"})
    void shouldRejectAsNotJsonWhenValueIsUtf16OrUtf32WithMetadata(String charset) {
        // Jackson reads these encodings as characters and gives no byte offsets, which once made
        // the metadata copy throw StringIndexOutOfBoundsException and stop the learner.
        String text = "{\"id\":\"s-1\",\"view\":0," + FEATURES + ",\"metadata\":{\"label\":7}}";

        assertRejected(
                parser.parse(KEY, text.getBytes(Charset.forName(charset))),
                Reason.NOT_JSON,
                "must be UTF-8 JSON (RFC 8259). Got: UTF-16 or UTF-32");
    }

    @Test
    void shouldRejectAsNotJsonWhenValueIsUtf16WithoutMetadata() {
        String text = "{\"id\":\"s-1\",\"view\":0," + FEATURES + "}";

        assertRejected(
                parser.parse(KEY, text.getBytes(StandardCharsets.UTF_16LE)),
                Reason.NOT_JSON,
                "Got: UTF-16 or UTF-32 (a zero byte at offset 1)");
    }

    @Test
    void shouldRejectAsWrongShapeWhenIdHasAnUnpairedSurrogate() {
        // As a UTF-8 key the lone surrogate would become '?': the id would not be the one sent.
        byte[] value = utf8("{\"id\":\"a\\ud800b\",\"view\":0," + FEATURES + "}");

        assertRejected(
                parser.parse(utf8("a?b"), value),
                Reason.WRONG_SHAPE,
                "id must be valid Unicode. Got: an unpaired surrogate \\ud800 at index 1");
    }

    @Test
    void shouldAcceptAnIdWithAPairedSurrogateWhenEscaped() {
        byte[] value = utf8("{\"id\":\"\\ud83d\\ude42\",\"view\":0," + FEATURES + "}");

        assertThat(parser.parse(utf8("\uD83D\uDE42"), value).value().id()).isEqualTo("🙂");
    }

    @Test
    void shouldRejectAsNotJsonWhenObjectIsTruncated() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":\"s-1\",\"view\":0,\"features\":[0,0.5")),
                Reason.NOT_JSON,
                "end-of-input");
    }

    @Test
    void shouldRejectAsNotJsonWhenContentFollowsTheObject() {
        byte[] one = view(FEATURES);
        byte[] two = utf8(new String(one, StandardCharsets.UTF_8) + " {}");

        assertRejected(parser.parse(KEY, two), Reason.NOT_JSON, "more content after it");
    }

    @Test
    void shouldRejectAsNotJsonWhenMetadataHoldsNaN() {
        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"metadata\":{\"score\":NaN}")),
                Reason.NOT_JSON,
                "Got: NaN");
    }

    @Test
    void shouldRejectAsNotJsonWhenValueIsEmpty() {
        assertRejected(parser.parse(KEY, new byte[0]), Reason.NOT_JSON, "Got: no JSON");
    }

    // ---- wrong_shape ------------------------------------------------------------------------

    @Test
    void shouldRejectAsWrongShapeWhenValueIsAnArray() {
        assertRejected(parser.parse(KEY, utf8("[1,2]")), Reason.WRONG_SHAPE, "Got: an array");
    }

    @Test
    void shouldRejectAsWrongShapeWhenFieldIsUnknown() {
        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"label\":3")),
                Reason.WRONG_SHAPE,
                "\"label\"");
    }

    @Test
    void shouldRejectAsWrongShapeWhenFieldRepeats() {
        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"timestamp\":1,\"timestamp\":2")),
                Reason.WRONG_SHAPE,
                "\"timestamp\" must appear at most once");
    }

    @Test
    void shouldRejectAsWrongShapeWhenBothFeatureFormsAreGiven() {
        String f32 = float32(new float[] {0f, 0.5f, 1f, -2.5f});

        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"featuresF32\":\"" + f32 + "\"")),
                Reason.WRONG_SHAPE,
                "not both");
    }

    @Test
    void shouldRejectAsWrongShapeWhenNoFeaturesAreGiven() {
        assertRejected(
                parser.parse(KEY, view("\"timestamp\":1")), Reason.WRONG_SHAPE, "Got: neither");
    }

    @Test
    void shouldRejectAsWrongShapeWhenFeaturesIsNotAnArray() {
        assertRejected(
                parser.parse(KEY, view("\"features\":\"0,1,2,3\"")),
                Reason.WRONG_SHAPE,
                "Got: \"0,1,2,3\"");
    }

    @Test
    void shouldRejectAsWrongShapeWhenIdIsNotAString() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":17,\"view\":0," + FEATURES + "}")),
                Reason.WRONG_SHAPE,
                "id must be a string. Got: 17");
    }

    @Test
    void shouldRejectAsWrongShapeWhenMetadataIsNotAnObject() {
        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"metadata\":[7]")),
                Reason.WRONG_SHAPE,
                "metadata must be a JSON object or null. Got: an array");
    }

    // ---- ids --------------------------------------------------------------------------------

    @Test
    void shouldRejectAsMissingIdWhenIdIsAbsent() {
        assertRejected(
                parser.parse(KEY, utf8("{\"view\":0," + FEATURES + "}")),
                Reason.MISSING_ID,
                "no id");
    }

    @Test
    void shouldRejectAsMissingIdWhenIdIsNull() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":null,\"view\":0," + FEATURES + "}")),
                Reason.MISSING_ID,
                "Got: null");
    }

    @Test
    void shouldRejectAsEmptyIdWhenIdIsEmpty() {
        assertRejected(
                parser.parse(new byte[0], view("", FEATURES)),
                Reason.EMPTY_ID,
                "id must not be empty. Got: \"\"");
    }

    @Test
    void shouldRejectAsIdTooLongWhenIdHas257Characters() {
        String id = "x".repeat(257);

        assertRejected(
                parser.parse(utf8(id), view(id, FEATURES)),
                Reason.ID_TOO_LONG,
                "id must be at most 256 characters. Got: 257 characters");
    }

    // ---- view -------------------------------------------------------------------------------

    @Test
    void shouldRejectAsBadViewWhenViewIsTwo() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":\"s-1\",\"view\":2," + FEATURES + "}")),
                Reason.BAD_VIEW,
                "view must be 0 or 1. Got: 2");
    }

    @Test
    void shouldRejectAsBadViewWhenViewIsAString() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":\"s-1\",\"view\":\"1\"," + FEATURES + "}")),
                Reason.BAD_VIEW,
                "Got: \"1\"");
    }

    @Test
    void shouldRejectAsBadViewWhenViewIsMissing() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":\"s-1\"," + FEATURES + "}")),
                Reason.BAD_VIEW,
                "Got: no view field");
    }

    // ---- features ---------------------------------------------------------------------------

    @Test
    void shouldRejectAsWrongFeatureCountWhenTooFew() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[0,1,2]")),
                Reason.WRONG_FEATURE_COUNT,
                "features must have exactly 4 values (the model's input dimension). Got: 3");
    }

    @Test
    void shouldRejectAsWrongFeatureCountWhenTooMany() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[0,1,2,3,4,5]")),
                Reason.WRONG_FEATURE_COUNT,
                "Got: 6");
    }

    @Test
    void shouldRejectAsWrongFeatureCountWhenFeaturesF32HasAnotherCount() {
        assertRejected(
                parser.parse(KEY, view("\"featuresF32\":\"" + float32(new float[5]) + "\"")),
                Reason.WRONG_FEATURE_COUNT,
                "featuresF32 must have exactly 4 values (the model's input dimension). Got: 5");
    }

    @Test
    void shouldRejectAsNonFiniteFeatureWhenNaN() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[0,NaN,1,2]")),
                Reason.NON_FINITE_FEATURE,
                "features[1] must be a finite float32. Got: NaN");
    }

    @Test
    void shouldRejectAsNonFiniteFeatureWhenInfinity() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[0,1,-Infinity,2]")),
                Reason.NON_FINITE_FEATURE,
                "features[2] must be a finite float32. Got: -Infinity");
    }

    @Test
    void shouldRejectAsNonFiniteFeatureWhenValueOverflowsFloat32() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[0,1,2,3.5e38]")),
                Reason.NON_FINITE_FEATURE,
                "features[3] must be a finite float32. Got: 3.5e38");
    }

    @Test
    void shouldRejectAsNonFiniteFeatureWhenValueOverflowsDouble() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[1e999,1,2,3]")),
                Reason.NON_FINITE_FEATURE,
                "Got: 1e999");
    }

    @Test
    void shouldRejectAsNonFiniteFeatureWhenFeaturesF32HoldsNaN() {
        String f32 = float32(new float[] {0f, 1f, 2f, Float.NaN});

        assertRejected(
                parser.parse(KEY, view("\"featuresF32\":\"" + f32 + "\"")),
                Reason.NON_FINITE_FEATURE,
                "featuresF32[3] must be a finite float32. Got: NaN");
    }

    @Test
    void shouldRejectAsNonNumericFeatureWhenNull() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[0,null,1,2]")),
                Reason.NON_NUMERIC_FEATURE,
                "features[1] must be a number. Got: null");
    }

    @Test
    void shouldRejectAsNonNumericFeatureWhenString() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[0,1,\"2\",3]")),
                Reason.NON_NUMERIC_FEATURE,
                "features[2] must be a number. Got: \"2\"");
    }

    @Test
    void shouldRejectAsNonNumericFeatureWhenNestedArray() {
        assertRejected(
                parser.parse(KEY, view("\"features\":[[0],1,2,3]")),
                Reason.NON_NUMERIC_FEATURE,
                "features[0] must be a number. Got: an array");
    }

    @Test
    void shouldRejectAsBadFeaturesF32WhenNotBase64() {
        assertRejected(
                parser.parse(KEY, view("\"featuresF32\":\"not base64!AAAAAAAAAAAAA\"")),
                Reason.BAD_FEATURES_F32,
                "featuresF32 must be standard base64");
    }

    @Test
    void shouldRejectAsBadFeaturesF32WhenPaddingIsMissing() {
        String unpadded = float32(new float[DIM]).replace("=", "");

        assertRejected(
                parser.parse(KEY, view("\"featuresF32\":\"" + unpadded + "\"")),
                Reason.BAD_FEATURES_F32,
                "Got: 22 characters");
    }

    @Test
    void shouldRejectAsBadFeaturesF32WhenBytesAreNotWholeFloats() {
        String seventeenBytes = Base64.getEncoder().encodeToString(new byte[17]);

        assertRejected(
                parser.parse(KEY, view("\"featuresF32\":\"" + seventeenBytes + "\"")),
                Reason.BAD_FEATURES_F32,
                "Got: 17 bytes");
    }

    // ---- timestamp --------------------------------------------------------------------------

    @Test
    void shouldRejectAsBadTimestampWhenNegative() {
        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"timestamp\":-1")),
                Reason.BAD_TIMESTAMP,
                "timestamp must be a non-negative int64 (epoch ms) or null. Got: -1");
    }

    @Test
    void shouldRejectAsBadTimestampWhenFractional() {
        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"timestamp\":1.5")),
                Reason.BAD_TIMESTAMP,
                "Got: 1.5");
    }

    @Test
    void shouldRejectAsBadTimestampWhenAString() {
        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"timestamp\":\"2026-01-01\"")),
                Reason.BAD_TIMESTAMP,
                "Got: \"2026-01-01\"");
    }

    // ---- sizes ------------------------------------------------------------------------------

    @Test
    void shouldRejectAsRecordTooLargeWhenKeyAndValueExceedTheLimit() {
        byte[] value = view(FEATURES);
        int size = KEY.length + value.length;
        FeatureEventParser<ViewEvent> tight = FeatureEventParser.views(DIM, size - 1);

        assertRejected(
                tight.parse(KEY, value),
                Reason.RECORD_TOO_LARGE,
                "a view event record must be at most "
                        + (size - 1)
                        + " bytes. Got: key and value are "
                        + size
                        + " bytes");
    }

    @Test
    void shouldRejectAsRecordTooLargeWhenOverTheDefaultMebibyte() {
        byte[] value = new byte[EventLimits.DEFAULT_MAX_RECORD_BYTES];
        Arrays.fill(value, (byte) ' ');

        assertRejected(parser.parse(KEY, value), Reason.RECORD_TOO_LARGE, "at most 1048576 bytes");
    }

    @Test
    void shouldRejectAsMetadataTooLargeWhenOver4096Bytes() {
        String metadata = metadataOfSize(EventLimits.MAX_METADATA_BYTES + 1);

        assertRejected(
                parser.parse(KEY, view(FEATURES + ",\"metadata\":" + metadata)),
                Reason.METADATA_TOO_LARGE,
                "metadata must be at most 4096 bytes serialized. Got: 4097 bytes");
    }

    // ---- keys and nulls ---------------------------------------------------------------------

    @Test
    void shouldRejectAsNullKeyWhenKeyIsNull() {
        assertRejected(parser.parse(null, view(FEATURES)), Reason.NULL_KEY, "Got: a null key");
    }

    @Test
    void shouldRejectAsNullValueWhenValueIsNull() {
        assertRejected(parser.parse(KEY, null), Reason.NULL_VALUE, "Got: null");
    }

    @Test
    void shouldRejectAsKeyMismatchWhenKeyIsNotTheId() {
        assertRejected(
                parser.parse(utf8("s-2"), view(FEATURES)),
                Reason.KEY_MISMATCH,
                "the record key must be the UTF-8 id. Got: key \"s-2\", id \"s-1\"");
    }

    // ---- robustness -------------------------------------------------------------------------

    @Test
    void shouldNeverThrowWhenValueIsAnyPrefixOrCorruptionOfAValidRecord() {
        byte[] valid = view(FEATURES + ",\"timestamp\":5,\"metadata\":{\"a\":[1,{\"b\":\"c\"}]}");
        Random random = new Random(42);

        assertThatCode(
                        () -> {
                            for (int end = 0; end <= valid.length; end++) {
                                parser.parse(KEY, Arrays.copyOf(valid, end));
                            }
                            for (int i = 0; i < 20_000; i++) {
                                byte[] corrupt = valid.clone();
                                corrupt[random.nextInt(corrupt.length)] =
                                        (byte) random.nextInt(256);
                                parser.parse(KEY, corrupt);
                            }
                        })
                .doesNotThrowAnyException();
    }

    // ---- helpers ----------------------------------------------------------------------------

    static void assertRejected(Parsed<?> parsed, Reason reason, String detailPart) {
        assertThat(parsed).isInstanceOf(Parsed.Rejected.class);
        Parsed.Rejected<?> rejected = (Parsed.Rejected<?>) parsed;
        assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(reason);
        assertThat(rejected.detail()).contains(detailPart);
    }

    private static byte[] view(String body) {
        return view("s-1", body);
    }

    private static byte[] view(String id, String body) {
        return utf8("{\"id\":\"" + id + "\",\"view\":0," + body + "}");
    }

    static String metadataOfSize(int bytes) {
        String prefix = "{\"pad\":\"";
        String suffix = "\"}";
        return prefix + "p".repeat(bytes - prefix.length() - suffix.length()) + suffix;
    }

    static String float32(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES);
        buffer.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
