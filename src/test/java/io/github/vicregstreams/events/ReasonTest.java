package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReasonTest {

    /** Consumers of the dead-letter topic match on these strings: they must never change. */
    @Test
    void shouldKeepEveryWireCodeStable() {
        assertThat(Arrays.stream(Reason.values()).map(Reason::code))
                .containsExactly(
                        "not_json",
                        "wrong_shape",
                        "missing_id",
                        "empty_id",
                        "id_too_long",
                        "bad_view",
                        "wrong_feature_count",
                        "non_finite_feature",
                        "non_numeric_feature",
                        "bad_features_f32",
                        "bad_timestamp",
                        "record_too_large",
                        "metadata_too_large",
                        "null_key",
                        "null_value",
                        "key_mismatch",
                        "orphan",
                        "duplicate",
                        "non_finite_embedding");
    }

    @Test
    void shouldFindReasonWhenGivenItsCode() {
        assertThat(Reason.fromCode("key_mismatch")).isEqualTo(Reason.KEY_MISMATCH);
    }

    @Test
    void shouldRejectCodeWhenUnknown() {
        assertThatThrownBy(() -> Reason.fromCode("bogus"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown dead-letter reason code. Got: bogus");
    }
}
