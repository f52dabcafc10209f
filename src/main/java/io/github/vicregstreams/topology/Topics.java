package io.github.vicregstreams.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names of the topics the learner reads and writes.
 *
 * @param views input views
 * @param samples input samples to embed
 * @param embeddings output embeddings
 * @param metrics output metrics, one per step
 * @param deadLetters output rejected records
 * @param model output checkpoints (compacted)
 * @param pairs paired views on their way to the single trainer partition
 * @param pairEvents input pair events: both views of a sample in one record
 * @param items what consumers index: the latest sample per id (compacted), backfilled with each
 *     model version
 * @param modelVersions output model version events (promoted, complete)
 */
public record Topics(
        String views,
        String samples,
        String embeddings,
        String metrics,
        String deadLetters,
        String model,
        String pairs,
        String pairEvents,
        String items,
        String modelVersions) {

    /**
     * The names by configuration key.
     *
     * @return key to topic name, in a fixed order
     */
    public Map<String, String> byKey() {
        Map<String, String> byKey = new LinkedHashMap<>();
        byKey.put(LearnerConfig.TOPIC_VIEWS_CONFIG, views);
        byKey.put(LearnerConfig.TOPIC_SAMPLES_CONFIG, samples);
        byKey.put(LearnerConfig.TOPIC_EMBEDDINGS_CONFIG, embeddings);
        byKey.put(LearnerConfig.TOPIC_METRICS_CONFIG, metrics);
        byKey.put(LearnerConfig.TOPIC_DEAD_LETTERS_CONFIG, deadLetters);
        byKey.put(LearnerConfig.TOPIC_MODEL_CONFIG, model);
        byKey.put(LearnerConfig.TOPIC_PAIRS_CONFIG, pairs);
        byKey.put(LearnerConfig.TOPIC_PAIR_EVENTS_CONFIG, pairEvents);
        byKey.put(LearnerConfig.TOPIC_ITEMS_CONFIG, items);
        byKey.put(LearnerConfig.TOPIC_MODEL_VERSIONS_CONFIG, modelVersions);
        return byKey;
    }
}
