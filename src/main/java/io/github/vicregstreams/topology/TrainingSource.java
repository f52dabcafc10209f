package io.github.vicregstreams.topology;

import io.github.vicregstreams.data.Augmentation;

/**
 * What the trainer trains on ({@code train.source}), and how it draws the views of a raw sample.
 *
 * @param input where the trainer's pairs come from
 * @param augmentation {@code train.augmentation}, parsed for the input's layout
 * @param seed the seed of the draws ({@code model.seed})
 */
record TrainingSource(Input input, Augmentation augmentation, long seed) {

    /** Where the trainer's pairs come from. */
    enum Input {
        /** The pairs topic, fed by the views' pairing and by pair events. */
        VIEWS,
        /** The pairs topic, fed by the views, pair events and every valid sample of the samples. */
        SAMPLES,
        /**
         * The pair-events topic itself, read by the trainer's own task: no pairing, no pairs-topic
         * hop, and the pair-events topic is the trainer's journal. The views topic is not read.
         */
        PAIR_EVENTS
    }

    /** Whether the valid samples of {@code topic.samples} are trained on too. */
    boolean samples() {
        return input == Input.SAMPLES;
    }

    /** Whether the trainer reads the pair-events topic itself, with no pairs topic between. */
    boolean pairEventsDirect() {
        return input == Input.PAIR_EVENTS;
    }
}
