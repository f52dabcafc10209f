package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The binary form of a sample event: the pair event's layout with one vector (the rules shared with
 * pair events are tested in {@link PairEventBinaryTest}); read exactly as written, and what only a
 * sample can break rejected.
 */
class SampleEventBinaryTest {

    private static final int DIM = 3;

    private final FeatureEventParser<SampleEvent> parser = FeatureEventParser.samples(DIM);

    private static final SampleEvent EVENT =
            new SampleEvent(
                    "s1",
                    new float[] {1.5f, -0.0f, Float.MIN_VALUE},
                    42L,
                    Metadata.of("{\"label\":3}"));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] binary(SampleEvent event) {
        return EventSerdes.binarySampleEvents(parser).serializer().serialize("t", event);
    }

    private Parsed.Rejected<SampleEvent> rejected(byte[] value) {
        Parsed<SampleEvent> parsed = parser.parse(utf8("s1"), value);
        assertThat(parsed).as("rejected").isInstanceOf(Parsed.Rejected.class);
        return (Parsed.Rejected<SampleEvent>) parsed;
    }

    @Test
    void shouldReadBackExactlyWhatItWroteAsTheJsonFormWouldGiveIt() {
        byte[] value = binary(EVENT);
        byte[] json =
                EventSerdes.sampleEvents(parser, FeatureEncoding.FLOAT32_BASE64)
                        .serializer()
                        .serialize("t", EVENT);

        SampleEvent read = parser.parse(utf8("s1"), value).value();

        assertThat(read).isEqualTo(EVENT).isEqualTo(parser.parse(utf8("s1"), json).value());
        assertThat(Float.floatToRawIntBits(read.features()[1])).as("-0.0 kept").isNegative();
        assertThat(value.length).isEqualTo(2 + 2 + 2 + 8 + 4 + 11 + 4 + 4 * DIM);
        assertThat(value.length).isLessThan(json.length);
    }

    @Test
    void shouldLeaveTheTimestampAndMetadataOutWhenTheEventHasNone() {
        SampleEvent read =
                parser.parse(
                                utf8("s1"),
                                binary(new SampleEvent("s1", EVENT.features(), null, null)))
                        .value();

        assertThat(read.timestamp()).isNull();
        assertThat(read.metadata()).isNull();
    }

    @Test
    void shouldRejectEveryTruncationAndBytesAfterTheFeaturesWithoutThrowing() {
        byte[] whole = binary(EVENT);
        for (int length = 2; length < whole.length; length++) {
            assertThat(rejected(Arrays.copyOf(whole, length)).reason())
                    .as("%d of %d bytes", length, whole.length)
                    .isEqualTo(Reason.WRONG_SHAPE);
        }

        Parsed.Rejected<SampleEvent> longer = rejected(Arrays.copyOf(whole, whole.length + 4));

        assertThat(longer.reason()).isEqualTo(Reason.WRONG_SHAPE);
        assertThat(longer.detail())
                .isEqualTo(
                        "binary sample event: the features must take exactly 4 × 3 = 12 bytes, and"
                                + " end the value. Got: 16 bytes");
    }

    @Test
    void shouldRejectABinaryPairEventOnTheSamplesTopicByItsLength() {
        PairEvent pair = new PairEvent("s1", EVENT.features(), EVENT.features(), null, null);
        byte[] value =
                EventSerdes.binaryPairEvents(FeatureEventParser.pairs(DIM))
                        .serializer()
                        .serialize("t", pair);

        Parsed.Rejected<SampleEvent> r = rejected(value);

        assertThat(r.reason()).isEqualTo(Reason.WRONG_SHAPE);
        assertThat(r.detail()).endsWith("Got: 24 bytes");
    }

    @Test
    void shouldRejectANonFiniteFeatureNamingItsIndexAsTheJsonFormDoes() {
        SampleEvent event = new SampleEvent("s1", new float[] {1, 2, 3}, null, null);
        byte[] value = binary(event);
        // The last feature is the value's last four bytes: make it +Infinity.
        int last = value.length - Float.BYTES;
        int infinity = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
        for (int b = 0; b < Float.BYTES; b++) {
            value[last + b] = (byte) (infinity >>> (8 * b));
        }

        Parsed.Rejected<SampleEvent> r = rejected(value);

        assertThat(r.reason()).isEqualTo(Reason.NON_FINITE_FEATURE);
        assertThat(r.detail()).startsWith("features[2] must be a finite float32");
    }

    @Test
    void shouldBeRefusedOnTheViewsTopicWithTheReason() {
        Parsed<ViewEvent> asView = FeatureEventParser.views(DIM).parse(utf8("s1"), binary(EVENT));

        assertThat(((Parsed.Rejected<ViewEvent>) asView).reason()).isEqualTo(Reason.NOT_JSON);
        assertThat(((Parsed.Rejected<ViewEvent>) asView).detail())
                .contains("a view event must be JSON");
    }

    @Test
    void shouldRejectANegativeDimensionAsABrokenLayout() {
        byte[] value = binary(EVENT);
        // The dimension is the int32 just before the features.
        int at = value.length - Float.BYTES * DIM - Integer.BYTES;
        value[at + 3] = (byte) 0x80;

        Parsed.Rejected<SampleEvent> r = rejected(value);

        assertThat(r.reason()).isEqualTo(Reason.WRONG_SHAPE);
        assertThat(r.detail()).contains("the dimension must not be negative");
    }

    @Test
    void shouldRejectAnotherDimensionAndAnotherKey() {
        SampleEvent wide = new SampleEvent("s1", new float[] {1, 2, 3, 4}, null, null);
        assertThat(rejected(binary(wide)).reason()).isEqualTo(Reason.WRONG_FEATURE_COUNT);

        Parsed<SampleEvent> otherKey = parser.parse(utf8("s2"), binary(EVENT));

        assertThat(((Parsed.Rejected<SampleEvent>) otherKey).reason())
                .isEqualTo(Reason.KEY_MISMATCH);
    }
}
