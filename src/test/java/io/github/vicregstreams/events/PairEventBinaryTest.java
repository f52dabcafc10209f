package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The binary form of a pair event: read exactly as written, and every broken rule rejected. */
class PairEventBinaryTest {

    private static final int DIM = 3;

    private final FeatureEventParser<PairEvent> parser = FeatureEventParser.pairs(DIM);

    private static final PairEvent EVENT =
            new PairEvent(
                    "s1",
                    new float[] {1.5f, -0.0f, Float.MIN_VALUE},
                    new float[] {-2f, 3.25f, Float.MAX_VALUE},
                    42L,
                    Metadata.of("{\"label\":3}"));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Parsed.Rejected<PairEvent> rejected(String key, byte[] value) {
        Parsed<PairEvent> parsed = parser.parse(utf8(key), value);
        assertThat(parsed).as("rejected").isInstanceOf(Parsed.Rejected.class);
        return (Parsed.Rejected<PairEvent>) parsed;
    }

    /** A binary value of {@code s1} with each part given: to break one rule at a time. */
    private static byte[] binary(
            int version, byte[] id, long timestamp, byte[] metadata, int dim, float[] values) {
        ByteBuffer out =
                ByteBuffer.allocate(
                                2 + 2 + id.length + 8 + 4 + metadata.length + 4 + 4 * values.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0).put((byte) version).putShort((short) id.length).put(id);
        out.putLong(timestamp).putInt(metadata.length).put(metadata).putInt(dim);
        out.asFloatBuffer().put(values);
        return out.array();
    }

    private static byte[] binary(long timestamp, byte[] metadata, int dim, float[] values) {
        return binary(1, utf8("s1"), timestamp, metadata, dim, values);
    }

    private static float[] sixValues() {
        return new float[] {1, 2, 3, 4, 5, 6};
    }

    @Test
    void shouldReadBackExactlyWhatItWroteAsTheJsonFormWouldGiveIt() {
        byte[] value = EventSerdes.binaryPairEvents(parser).serializer().serialize("t", EVENT);
        byte[] json =
                EventSerdes.pairEvents(parser, FeatureEncoding.FLOAT32_BASE64)
                        .serializer()
                        .serialize("t", EVENT);

        PairEvent read = parser.parse(utf8("s1"), value).value();
        PairEvent fromJson = parser.parse(utf8("s1"), json).value();

        for (PairEvent e : new PairEvent[] {read, fromJson}) {
            assertThat(e.id()).isEqualTo("s1");
            assertThat(Arrays.equals(e.view0(), EVENT.view0())).isTrue(); // -0.0 kept
            assertThat(Arrays.equals(e.view1(), EVENT.view1())).isTrue();
            assertThat(e.timestampOr(0)).isEqualTo(42);
            assertThat(e.metadata().json()).isEqualTo("{\"label\":3}");
        }
        assertThat(value.length).isEqualTo(2 + 2 + 2 + 8 + 4 + 11 + 4 + 2 * 4 * DIM);
        assertThat(value.length).isLessThan(json.length);
    }

    @Test
    void shouldLeaveTheTimestampAndMetadataOutWhenTheEventHasNone() {
        PairEvent bare = new PairEvent("s1", EVENT.view0(), EVENT.view1(), null, null);
        byte[] value = EventSerdes.binaryPairEvents(parser).serializer().serialize("t", bare);

        PairEvent read = parser.parse(utf8("s1"), value).value();

        assertThat(read.timestampOr(7)).isEqualTo(7);
        assertThat(read.metadata()).isNull();
    }

    @Test
    void shouldRejectEveryTruncationWithoutThrowing() {
        byte[] whole = EventSerdes.binaryPairEvents(parser).serializer().serialize("t", EVENT);
        for (int length = 2; length < whole.length; length++) {
            Parsed<PairEvent> parsed = parser.parse(utf8("s1"), Arrays.copyOf(whole, length));
            assertThat(parsed)
                    .as("%d of %d bytes", length, whole.length)
                    .isInstanceOf(Parsed.Rejected.class);
            assertThat(((Parsed.Rejected<PairEvent>) parsed).reason())
                    .as("%d of %d bytes", length, whole.length)
                    .isEqualTo(Reason.WRONG_SHAPE);
        }
    }

    @Test
    void shouldRejectBytesAfterViewOne() {
        byte[] whole = EventSerdes.binaryPairEvents(parser).serializer().serialize("t", EVENT);

        Parsed.Rejected<PairEvent> r = rejected("s1", Arrays.copyOf(whole, whole.length + 4));

        assertThat(r.reason()).isEqualTo(Reason.WRONG_SHAPE);
        assertThat(r.detail()).contains("end the value").contains("Got: 28 bytes");
    }

    @Test
    void shouldRejectAnotherDimensionWithTheJsonFormsReason() {
        Parsed.Rejected<PairEvent> r =
                rejected("s1", binary(-1, new byte[0], 2, new float[] {1, 2, 3, 4}));

        assertThat(r.reason()).isEqualTo(Reason.WRONG_FEATURE_COUNT);
        assertThat(r.detail()).contains("exactly 3 values").contains("Got: 2");
    }

    @Test
    void shouldRejectANonFiniteValueNamingItsViewAndIndex() {
        float[] values = sixValues();
        values[4] = Float.NaN;

        Parsed.Rejected<PairEvent> r = rejected("s1", binary(-1, new byte[0], DIM, values));

        assertThat(r.reason()).isEqualTo(Reason.NON_FINITE_FEATURE);
        assertThat(r.detail()).startsWith("features[1][1] must be a finite float32");
    }

    @Test
    void shouldApplyTheIdAndKeyRulesOfTheJsonForm() {
        assertThat(rejected("other", binary(-1, new byte[0], DIM, sixValues())).reason())
                .isEqualTo(Reason.KEY_MISMATCH);
        assertThat(rejected("", binary(1, new byte[0], -1, new byte[0], DIM, sixValues())).reason())
                .isEqualTo(Reason.EMPTY_ID);
        byte[] notUtf8 = {(byte) 0xc3, (byte) 0x28};
        Parsed.Rejected<PairEvent> r =
                rejected("x", binary(1, notUtf8, -1, new byte[0], DIM, sixValues()));
        assertThat(r.reason()).isEqualTo(Reason.WRONG_SHAPE);
        assertThat(r.detail()).contains("the id must be UTF-8");
    }

    @Test
    void shouldRejectANegativeTimestampOtherThanNone() {
        Parsed.Rejected<PairEvent> r = rejected("s1", binary(-5, new byte[0], DIM, sixValues()));

        assertThat(r.reason()).isEqualTo(Reason.BAD_TIMESTAMP);
        assertThat(r.detail()).contains("or -1 for none. Got: -5");
    }

    @Test
    void shouldRejectMetadataThatIsNotOneJsonObjectOrIsTooLarge() {
        assertThat(rejected("s1", binary(-1, utf8("[1]"), DIM, sixValues())).reason())
                .isEqualTo(Reason.WRONG_SHAPE);
        assertThat(rejected("s1", binary(-1, utf8("{\"a\":"), DIM, sixValues())).reason())
                .isEqualTo(Reason.NOT_JSON);
        assertThat(rejected("s1", binary(-1, utf8("{} {}"), DIM, sixValues())).reason())
                .isEqualTo(Reason.WRONG_SHAPE);
        byte[] large = utf8("{\"a\":\"" + "x".repeat(EventLimits.MAX_METADATA_BYTES) + "\"}");
        assertThat(rejected("s1", binary(-1, large, DIM, sixValues())).reason())
                .isEqualTo(Reason.METADATA_TOO_LARGE);
    }

    @Test
    void shouldRejectAVersionThisReleaseDoesNotKnow() {
        Parsed.Rejected<PairEvent> r =
                rejected("s1", binary(2, utf8("s1"), -1, new byte[0], DIM, sixValues()));

        assertThat(r.reason()).isEqualTo(Reason.WRONG_SHAPE);
        assertThat(r.detail()).contains("the version must be 1. Got: 2");
    }

    @Test
    void shouldStillTellUtf16JsonApartAndRefuseIt() {
        byte[] utf16 = "{\"id\":\"s1\"}".getBytes(StandardCharsets.UTF_16BE);

        Parsed.Rejected<PairEvent> r = rejected("s1", utf16);

        assertThat(r.reason()).isEqualTo(Reason.NOT_JSON);
        assertThat(r.detail()).contains("must be UTF-8 JSON").contains("UTF-16");
    }

    @Test
    void shouldBeRefusedOnTheViewsTopicWithTheReason() {
        byte[] value = EventSerdes.binaryPairEvents(parser).serializer().serialize("t", EVENT);

        Parsed<ViewEvent> asView = FeatureEventParser.views(DIM).parse(utf8("s1"), value);

        assertThat(((Parsed.Rejected<ViewEvent>) asView).reason()).isEqualTo(Reason.NOT_JSON);
        assertThat(((Parsed.Rejected<ViewEvent>) asView).detail())
                .contains("a view event must be JSON")
                .contains("for sample and pair events only");
    }

    @Test
    void shouldRefuseABinarySampleEventOnThePairEventsTopicByItsLength() {
        SampleEvent sample = new SampleEvent("s1", EVENT.view0(), null, null);
        byte[] value =
                EventSerdes.binarySampleEvents(FeatureEventParser.samples(DIM))
                        .serializer()
                        .serialize("t", sample);

        Parsed.Rejected<PairEvent> r = rejected("s1", value);

        assertThat(r.reason()).isEqualTo(Reason.WRONG_SHAPE);
        assertThat(r.detail())
                .startsWith("binary pair event: the two views must take exactly 2 × 4 × 3 = 24")
                .endsWith("Got: 12 bytes");
    }
}
