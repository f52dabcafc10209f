package io.github.vicregstreams.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommitDataTest {

    @Test
    void shouldReadBackWhatItWrites() {
        Versions versions = new Versions(3L, 2L, new TreeMap<>(Map.of(2L, 10L, 3L, 12L, 4L, 0L)));
        Map<TopicPartition, Long> offsets =
                Map.of(
                        new TopicPartition("vicreg.embeddings", 0), 5120L,
                        new TopicPartition("vicreg.embeddings", 1), 7L,
                        new TopicPartition("vicreg.model-versions", 0), 3L);

        CommitData read = CommitData.fromUserData(new CommitData(versions, offsets).toUserData());

        assertThat(read.versions()).isEqualTo(versions);
        assertThat(read.offsets()).isEqualTo(offsets);
    }

    @Test
    void shouldStartEmptyWithoutItsEntry() {
        CommitData read = CommitData.fromUserData(Map.of("other", "x"));

        assertThat(read.versions().serving()).isNull();
        assertThat(read.offsets()).isEmpty();
    }

    @Test
    void shouldRefuseAnEntryOfAnotherFormat() {
        Map<String, String> data = Map.of(CommitData.KEY, "{\"format\":2}");

        assertThatThrownBy(() -> CommitData.fromUserData(data))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unreadable vicreg.index.state (format must be 1. Got: 2)");
    }

    @Test
    void shouldRefuseAnEntryThatIsNotJson() {
        Map<String, String> data = Map.of(CommitData.KEY, "{not json");

        assertThatThrownBy(() -> CommitData.fromUserData(data))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unreadable vicreg.index.state");
    }
}
