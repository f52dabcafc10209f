package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The model-version keys of the model topic, and the small records versions keep in stores. */
class VersionRecordsCodecTest {

    @Test
    void shouldNameAndParseVersionKeys() {
        assertThat(VersionedModelKeys.versionModel("m", 3)).isEqualTo("m@v3");
        assertThat(VersionedModelKeys.versionOf("m", "m@v3")).isEqualTo(3);
        assertThat(VersionedModelKeys.versionOf("m", "m@v3/chunk-0")).isEqualTo(3);
        assertThat(VersionedModelKeys.versionOf("m", "m@v12/alignment")).isEqualTo(12);
        assertThat(VersionedModelKeys.isAlignment("m", "m@v12/alignment")).isTrue();
        assertThat(VersionedModelKeys.isAlignment("m", "m@v12/chunk-0")).isFalse();
    }

    @Test
    void shouldRefuseKeysThatAreNotAVersionsOfThisModel() {
        assertThat(VersionedModelKeys.versionOf("m", "m")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", "m/chunk-0")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", "m@v")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", "m@v0")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", "m@v-1")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", "m@vx/chunk-0")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", "m@v99999999999999999999")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", "other@v1")).isEqualTo(-1);
        assertThat(VersionedModelKeys.versionOf("m", null)).isEqualTo(-1);
        assertThat(VersionedModelKeys.serving("m")).isEqualTo("m@serving");
    }

    @Test
    void shouldRoundTripTheVersionsSummary() {
        ModelVersions summary = ModelVersions.NONE.withLatest(4, 4000, "abc", 123).withServing(3);

        assertThat(ModelVersions.decode(summary.encode())).isEqualTo(summary);
        assertThat(summary.backfilling()).isTrue();
        assertThat(ModelVersions.decode(null)).isEqualTo(ModelVersions.NONE);
        assertThat(ModelVersions.NONE.backfilling()).isFalse();
    }

    @Test
    void shouldRoundTripTheBackfillState() {
        BackfillState state =
                BackfillState.EMPTY.withItems(10).started(2, 200, "id").advanced("k\u00e9y-9", 5);

        BackfillState read = BackfillState.decode(state.encode());

        assertThat(read.running()).isEqualTo(2);
        assertThat(read.lastKey()).isEqualTo("k\u00e9y-9");
        assertThat(read.embedded()).isEqualTo(5);
        assertThat(read.items()).isEqualTo(10);
        assertThat(read.checkpointId()).isEqualTo("id");
        assertThat(read.completed().done()).isEqualTo(2);
        assertThat(read.completed().current()).isEqualTo(2);
        assertThat(BackfillState.decode(null)).isEqualTo(BackfillState.EMPTY);
    }

    @Test
    void shouldRefuseAStateOfAnotherFormat() {
        byte[] bytes = BackfillState.EMPTY.encode();
        bytes[0] = 9;

        assertThatThrownBy(() -> BackfillState.decode(bytes))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Unknown backfill state format: this version reads 1. Got: 9");
    }

    @Test
    void shouldDueAVersionByStepsOrTime() {
        VersionSettings bySteps = new VersionSettings(100, 0, false, 2);
        VersionSettings byTime = new VersionSettings(0, 60_000, false, 2);

        assertThat(new VersionSettings(0, 0, false, 2).enabled()).isFalse();
        assertThat(bySteps.due(99, Long.MAX_VALUE)).isFalse();
        assertThat(bySteps.due(100, 0)).isTrue();
        assertThat(byTime.due(Long.MAX_VALUE, 59_999)).isFalse();
        assertThat(byTime.due(1, 60_000)).isTrue();
    }
}
