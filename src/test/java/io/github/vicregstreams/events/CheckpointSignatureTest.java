package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CheckpointSignatureTest {

    private static final byte[] CHECKPOINT = "checkpoint bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldAcceptARecordSignedWithTheSameKey() {
        Headers headers = new RecordHeaders();
        CheckpointSignature.withKey("k1").sign(CHECKPOINT, headers);

        assertThat(CheckpointSignature.withKey("k1").refusal(CHECKPOINT, headers)).isNull();
        // HMAC-SHA256 in lower-case hex: 64 characters.
        assertThat(headers.lastHeader(CheckpointSignature.HEADER).value()).hasSize(64);
    }

    @Test
    void shouldRefuseAnUnsignedRecordWhenAKeyIsSet() {
        assertThat(CheckpointSignature.withKey("k1").refusal(CHECKPOINT, new RecordHeaders()))
                .startsWith("unsigned: checkpoint.signing.key is set");
    }

    @Test
    void shouldRefuseARecordSignedWithAnotherKeyOrChangedAfterSigning() {
        Headers headers = new RecordHeaders();
        CheckpointSignature.withKey("k1").sign(CHECKPOINT, headers);
        byte[] changed = CHECKPOINT.clone();
        changed[0] ^= 1;

        assertThat(CheckpointSignature.withKey("k2").refusal(CHECKPOINT, headers))
                .startsWith("bad signature");
        assertThat(CheckpointSignature.withKey("k1").refusal(changed, headers))
                .startsWith("bad signature");
    }

    @Test
    void shouldSignNothingAndAcceptEverythingWithoutAKey() {
        Headers headers = new RecordHeaders();
        CheckpointSignature none = CheckpointSignature.withKey("");

        none.sign(CHECKPOINT, headers);

        assertThat(none.enabled()).isFalse();
        assertThat(headers.lastHeader(CheckpointSignature.HEADER)).isNull();
        assertThat(none.refusal(CHECKPOINT, headers)).isNull();
        assertThat(none.toString()).doesNotContain("k1");
    }
}
