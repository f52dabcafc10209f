package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.data.Dataset;
import org.junit.jupiter.api.Test;

class PairProducerTest {

    private static final float[][] FEATURES = {{1f, 2f}, {3f, 4f}, {5f, 6f}};

    @Test
    void shouldWriteLabelAndIndexMetadataByteForByteAsTheHandBuiltJsonDidWhenLabelled() {
        Dataset labelled = Dataset.of("labelled", FEATURES, new int[] {4, 7, 9}, null);

        assertThat(PairProducer.metadata(labelled, 2).json())
                .isEqualTo(handBuilt(labelled, 2))
                .isEqualTo("{\"label\":9,\"index\":2}");
    }

    @Test
    void shouldWriteANullLabelWhenTheDataHasNoLabels() {
        Dataset unlabelled = Dataset.of("unlabelled", FEATURES, null, null);

        assertThat(PairProducer.metadata(unlabelled, 1).json())
                .isEqualTo(handBuilt(unlabelled, 1))
                .isEqualTo("{\"label\":null,\"index\":1}");
    }

    /** The metadata as PairProducer wrote it by string concatenation before. */
    private static String handBuilt(Dataset data, int index) {
        return "{\"label\":"
                + (data.hasLabels() ? Integer.toString(data.label(index)) : "null")
                + ",\"index\":"
                + index
                + "}";
    }
}
