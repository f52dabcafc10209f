/**
 * VICReg on the Deep Java Library: the model, the three loss terms, an optimizer whose state can be
 * saved, the trainer and its checkpoint format.
 *
 * <p>This package is a plain library: it knows nothing of Kafka. Start with {@link
 * io.github.vicregstreams.vicreg.Vicreg} for the model and the loss, and {@link
 * io.github.vicregstreams.vicreg.VicregTrainer} for online training steps, embeddings and
 * checkpoints.
 */
package io.github.vicregstreams.vicreg;
