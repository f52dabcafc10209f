package io.github.vicregstreams.events;

import static io.github.vicregstreams.events.FeatureEventParserViewTest.assertRejected;
import static io.github.vicregstreams.events.FeatureEventParserViewTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sample parser shares the view parser's rules; these tests pin where the two differ. */
class FeatureEventParserSampleTest {
    private static final byte[] KEY = utf8("s-1");

    private final FeatureEventParser<SampleEvent> parser = FeatureEventParser.samples(3);

    @Test
    void shouldAcceptSampleWhenRecordIsValid() {
        SampleEvent event =
                parser.parse(
                                KEY,
                                utf8(
                                        "{\"id\":\"s-1\",\"features\":[1,2,3],\"metadata\":{\"tenant\":\"a\"}}"))
                        .value();

        assertThat(event)
                .isEqualTo(
                        new SampleEvent(
                                "s-1",
                                new float[] {1, 2, 3},
                                null,
                                Metadata.of("{\"tenant\":\"a\"}")));
    }

    @Test
    void shouldRejectAsWrongShapeWhenSampleHasAView() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":\"s-1\",\"view\":0,\"features\":[1,2,3]}")),
                Reason.WRONG_SHAPE,
                "a sample event has no field \"view\"");
    }

    @Test
    void shouldRejectAsWrongFeatureCountWhenSampleHasAnotherDimension() {
        assertRejected(
                parser.parse(KEY, utf8("{\"id\":\"s-1\",\"features\":[1,2,3,4]}")),
                Reason.WRONG_FEATURE_COUNT,
                "Got: 4");
    }

    @Test
    void shouldRejectAsKeyMismatchWhenSampleKeyIsNotTheId() {
        assertRejected(
                parser.parse(utf8("other"), utf8("{\"id\":\"s-1\",\"features\":[1,2,3]}")),
                Reason.KEY_MISMATCH,
                "Got: key \"other\", id \"s-1\"");
    }

    @Test
    void shouldNameSampleEventsWhenRecordIsTooLarge() {
        FeatureEventParser<SampleEvent> tight = FeatureEventParser.samples(3, 10);

        assertRejected(
                tight.parse(KEY, utf8("{\"id\":\"s-1\",\"features\":[1,2,3]}")),
                Reason.RECORD_TOO_LARGE,
                "a sample event record must be at most 10 bytes");
    }
}
