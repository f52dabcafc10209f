/**
 * A reference consumer of the learner's outputs: a nearest-neighbour index of the embeddings of
 * each model version (Apache Lucene's HNSW vectors, one graph per version, cosine similarity),
 * which serves the newest complete version and answers neighbour queries over HTTP.
 *
 * <p>Start with {@link io.github.vicregstreams.index.IndexConsumer#start}, which opens an {@link
 * io.github.vicregstreams.index.EmbeddingIndex} and fills it from the embeddings and model-versions
 * topics, exactly once (its offsets are committed inside the Lucene commit); {@link
 * io.github.vicregstreams.index.IndexServer} puts it on HTTP. Like {@code monitor}, it is a
 * consumer of the learner, on the middle floor; it uses only the {@code events} of the floor below
 * (and the embedded broker of {@code kafka} in its tests).
 */
package io.github.vicregstreams.index;
