package io.github.vicregstreams.events;

import static io.github.vicregstreams.events.FeatureEventParserViewTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    private static final byte[] KEY = utf8("s-1");
    private static final byte[] NOT_JSON = {(byte) 0xff, 0, 'x', (byte) 0x80};

    @Test
    void shouldKeepOriginalBytesDecodableWhenWrittenAsJson() throws Exception {
        DeadLetter letter = DeadLetter.of(Reason.NOT_JSON, "bad", "views", 0, 5, 9, KEY, NOT_JSON);

        JsonNode json =
                new ObjectMapper()
                        .readTree(EventSerdes.deadLetters().serializer().serialize("dead", letter));

        assertThat(json.get("reason").asText()).isEqualTo("not_json");
        assertThat(Base64.getDecoder().decode(json.get("key").asText())).containsExactly(KEY);
        assertThat(Base64.getDecoder().decode(json.get("value").asText()))
                .containsExactly(NOT_JSON);
    }

    @Test
    void shouldCarryTheParserRejectionWhenMadeFromIt() {
        byte[] value = utf8("{\"id\":\"s-1\",\"view\":7,\"features\":[1]}");
        Parsed.Rejected<ViewEvent> rejected =
                (Parsed.Rejected<ViewEvent>) FeatureEventParser.views(1).parse(KEY, value);

        DeadLetter letter =
                DeadLetter.of(
                        rejected.reason(), rejected.detail(), "views", 2, 40, 1000, KEY, value);

        assertThat(letter.reason()).isEqualTo("bad_view");
        assertThat(letter.detail()).isEqualTo("view must be 0 or 1. Got: 7");
        assertThat(letter.topic()).isEqualTo("views");
        assertThat(letter.partition()).isEqualTo(2);
        assertThat(letter.offset()).isEqualTo(40);
        assertThat(letter.timestamp()).isEqualTo(1000);
        assertThat(letter.value()).containsExactly(value);
    }

    @Test
    void shouldCopyBytesWhenCreatedAndWhenRead() {
        byte[] value = {1, 2, 3};
        DeadLetter letter = DeadLetter.of(Reason.ORPHAN, "alone", "views", 0, 0, 0, null, value);

        value[0] = 9;
        letter.value()[1] = 9;

        assertThat(letter.value()).containsExactly(1, 2, 3);
    }

    @Test
    void shouldRejectCoordinateWhenBelowMinusOne() {
        assertThatThrownBy(() -> DeadLetter.of(Reason.ORPHAN, "x", "views", -2, 0, 0, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partition must be at least 0, or -1 when unknown. Got: -2");
    }

    @Test
    void shouldShowSizesNotBytesWhenPrinted() {
        DeadLetter letter = DeadLetter.of(Reason.ORPHAN, "alone", "views", 0, 1, 2, KEY, null);

        assertThat(letter.toString()).contains("key=byte[3]", "value=null");
    }

    @Test
    void shouldTruncateTheCopiedValueSoThatTheDeadLetterFitsItsTopicAndSaySo() {
        // A 6.2 MB view: whole, its base64 made a dead letter over the topic's 8 MiB, and the
        // RecordTooLargeException stopped the learner on every restart.
        byte[] value = new byte[6_200_000];
        java.util.Arrays.fill(value, (byte) ' ');
        DeadLetter letter =
                DeadLetter.of(Reason.RECORD_TOO_LARGE, "too large", "views", 0, 5, 9, KEY, value);

        byte[] json = EventSerdes.deadLetters().serializer().serialize("dead", letter);
        DeadLetter read = EventSerdes.deadLetters().deserializer().deserialize("dead", json);

        assertThat(json.length).isLessThanOrEqualTo(DeadLetter.MAX_RECORD_BYTES);
        assertThat(letter.truncated()).isTrue();
        assertThat(letter.value()).hasSize(DeadLetter.MAX_COPIED_BYTES - KEY.length);
        assertThat(letter.valueLength()).isEqualTo(6_200_000);
        assertThat(letter.key()).containsExactly(KEY);
        assertThat(letter.detail())
                .isEqualTo("too large [value truncated to 5999997 of 6200000 bytes]");
        assertThat(read).isEqualTo(letter);
    }

    @Test
    void shouldTruncateAHugeKeyAndDropTheValueWhenTheKeyAloneFillsTheCopy() {
        byte[] key = new byte[7_000_000];
        DeadLetter letter =
                DeadLetter.of(Reason.RECORD_TOO_LARGE, "too large", "views", 0, 5, 9, key, KEY);

        byte[] json = EventSerdes.deadLetters().serializer().serialize("dead", letter);

        assertThat(json.length).isLessThanOrEqualTo(DeadLetter.MAX_RECORD_BYTES);
        assertThat(letter.key()).hasSize(DeadLetter.MAX_COPIED_BYTES);
        assertThat(letter.value()).isEmpty();
        assertThat(letter.detail())
                .isEqualTo(
                        "too large [key truncated to 6000000 of 7000000 bytes]"
                                + " [value truncated to 0 of 3 bytes]");
    }

    @Test
    void shouldCutAHugeDetailToItsLimitAndKeepItWhenReadBack() {
        DeadLetter letter =
                DeadLetter.of(Reason.ORPHAN, "d".repeat(100_000), "views", 0, 5, 9, KEY, NOT_JSON);

        DeadLetter read =
                EventSerdes.deadLetters()
                        .deserializer()
                        .deserialize(
                                "dead",
                                EventSerdes.deadLetters().serializer().serialize("dead", letter));

        assertThat(letter.detail()).hasSize(DeadLetter.MAX_DETAIL_CHARS);
        assertThat(letter.detail()).endsWith(" [detail cut from 100000 characters]");
        assertThat(letter.truncated()).isFalse();
        assertThat(read).isEqualTo(letter);
    }

    @Test
    void shouldWriteNoLengthsWhenNothingWasTruncated() throws Exception {
        DeadLetter letter = DeadLetter.of(Reason.NOT_JSON, "bad", "views", 0, 5, 9, KEY, NOT_JSON);

        JsonNode json =
                new ObjectMapper()
                        .readTree(EventSerdes.deadLetters().serializer().serialize("dead", letter));

        assertThat(json.has("keyLength")).isFalse();
        assertThat(json.has("valueLength")).isFalse();
        assertThat(letter.keyLength()).isEqualTo(3);
        assertThat(letter.valueLength()).isEqualTo(4);
    }
}
