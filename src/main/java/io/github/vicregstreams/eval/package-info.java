/**
 * How good a representation is: a linear probe (multinomial logistic regression on standardized
 * features) and a k-nearest-neighbour classifier (cosine similarity), and {@link
 * io.github.vicregstreams.eval.Evaluation}, which scores a checkpoint's learned encoder beside the
 * raw features and an untrained encoder of the same spec and seed.
 *
 * <p>Start with {@link io.github.vicregstreams.eval.Evaluation#builder()}. The arithmetic runs on
 * the PyTorch engine (CPU) with plain arrays in and out; no Kafka in here.
 */
package io.github.vicregstreams.eval;
