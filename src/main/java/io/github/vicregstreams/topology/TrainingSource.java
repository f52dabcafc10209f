package io.github.vicregstreams.topology;

import io.github.vicregstreams.data.Augmentation;

/**
 * What the trainer trains on besides the pairs producers send ({@code train.source}), and how it
 * draws the views of a raw sample.
 *
 * @param samples whether the valid samples of {@code topic.samples} are trained on too
 * @param augmentation {@code train.augmentation}, parsed for the input's layout
 * @param seed the seed of the draws ({@code model.seed})
 */
record TrainingSource(boolean samples, Augmentation augmentation, long seed) {}
