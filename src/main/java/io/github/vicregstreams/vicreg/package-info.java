/**
 * VICReg on the Deep Java Library: the model, the three loss terms, an optimizer whose state can be
 * saved, the trainer and its checkpoint format.
 *
 * <p>This package is a plain library: it knows nothing of Kafka. Start with {@link
 * io.github.vicregstreams.vicreg.Vicreg} for the model and the loss, and {@link
 * io.github.vicregstreams.vicreg.VicregTrainer} for online training steps, embeddings and
 * checkpoints ({@code create} for a fresh one, {@code restore} for a checkpoint's), and {@link
 * io.github.vicregstreams.vicreg.InferenceModel} for the encoder alone. Both run on one encoder
 * core (staging, forward pass, weight loading); {@link io.github.vicregstreams.vicreg.NoGrad} is
 * the one scope that turns autograd off and back. {@link
 * io.github.vicregstreams.vicreg.EncoderExport} writes a checkpoint's encoder as safetensors, for
 * readers outside Java.
 */
package io.github.vicregstreams.vicreg;
