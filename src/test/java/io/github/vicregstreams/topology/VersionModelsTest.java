package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.analysis.OrthogonalProcrustes;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backfill's alignment fit leaves out reference items that a version embeds as non-finite. */
class VersionModelsTest {

    private LearnerConfig config;
    private KeyValueStore<String, byte[]> store;
    private VersionModels models;

    @BeforeEach
    void versions() {
        config = config(42);
        store =
                TestStores.inMemory(
                        LearnerTopology.LATEST_MODEL_STORE, Serdes.String(), Serdes.ByteArray());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        store.put(VersionedModelKeys.versionModel("vicreg", 1), checkpoint(42));
        store.put(VersionedModelKeys.versionModel("vicreg", 2), checkpoint(7));
        models =
                new VersionModels(
                        "vicreg",
                        new ModelWeightsCache(config.trainerConfig(), config.device()),
                        config.device(),
                        store);
    }

    @AfterEach
    void close() {
        models.close();
    }

    private static LearnerConfig config(long seed) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(LearnerConfig.MODEL_INPUT_DIM_CONFIG, LearnerDriver.INPUT_DIM);
        settings.put(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG, 16);
        settings.put(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG, 8);
        settings.put(LearnerConfig.MODEL_SEED_CONFIG, seed);
        settings.put(LearnerConfig.DEVICE_CONFIG, "cpu");
        return LearnerConfig.of(settings);
    }

    private byte[] checkpoint(long seed) {
        try (VicregTrainer trainer =
                VicregTrainer.create(config(seed).trainerConfig(), config.device())) {
            return trainer.checkpoint();
        }
    }

    private static float[] huge() {
        float[] features = new float[LearnerDriver.INPUT_DIM];
        Arrays.fill(features, Float.MAX_VALUE); // finite, but overflows the encoder
        return features;
    }

    @Test
    void shouldFitOnTheFiniteReferenceItemsOnlyWhenOneEmbedsAsNonFinite() {
        float[][] finite = new float[20][];
        for (int i = 0; i < finite.length; i++) {
            finite[i] = LearnerDriver.features("item-" + i, 0);
        }
        float[][] withHuge = new float[finite.length + 1][];
        withHuge[0] = huge();
        System.arraycopy(finite, 0, withHuge, 1, finite.length);

        OrthogonalProcrustes fitted = models.fitAlignment(2, 1, withHuge);

        assertThat(fitted).isNotNull();
        assertThat(fitted.rotation()).isDeepEqualTo(models.fitAlignment(2, 1, finite).rotation());
    }

    @Test
    void shouldFitNothingWhenFewerThanTwoReferenceItemsEmbedAsFinite() {
        float[][] reference = {huge(), LearnerDriver.features("item-0", 0), huge()};

        assertThat(models.fitAlignment(2, 1, reference)).isNull();
    }
}
