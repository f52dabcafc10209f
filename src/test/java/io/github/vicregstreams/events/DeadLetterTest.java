package io.github.vicregstreams.events;

import static io.github.vicregstreams.events.ViewEventParserTest.utf8;
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
    assertThat(Base64.getDecoder().decode(json.get("value").asText())).containsExactly(NOT_JSON);
  }

  @Test
  void shouldCarryTheParserRejectionWhenMadeFromIt() {
    byte[] value = utf8("{\"id\":\"s-1\",\"view\":7,\"features\":[1]}");
    Parsed.Rejected<ViewEvent> rejected =
        (Parsed.Rejected<ViewEvent>) new ViewEventParser(1).parse(KEY, value);

    DeadLetter letter = rejected.toDeadLetter("views", 2, 40, 1000, KEY, value);

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
}
