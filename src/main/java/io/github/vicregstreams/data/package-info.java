/**
 * Data for the learner: dataset readers (Fashion-MNIST IDX files, numeric CSV), a synthetic dataset
 * of known structure, and the augmentations that turn one sample into two views.
 *
 * <p>Start with {@link io.github.vicregstreams.data.FashionMnist#load} or {@link
 * io.github.vicregstreams.data.SyntheticDataset#builder}, which give a {@link
 * io.github.vicregstreams.data.Dataset}; then {@link
 * io.github.vicregstreams.data.Augmentations#defaultsFor} and a {@link
 * io.github.vicregstreams.data.ViewGenerator}, which makes the two views of each sample
 * reproducibly from a seed and the sample's index. Augmentations work on plain {@code float[]}
 * (images row-major, see {@link io.github.vicregstreams.data.ImageShape}) and never modify their
 * input.
 *
 * <p>This package knows nothing of Kafka, DJL or the topology.
 */
package io.github.vicregstreams.data;
