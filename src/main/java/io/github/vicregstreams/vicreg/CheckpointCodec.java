package io.github.vicregstreams.vicreg;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The checkpoint format: one binary record, little-endian.
 *
 * <pre>
 * magic "VICRGCKP" (8 bytes) | format version (1 byte) | total length (int)
 * encoderDim, hiddenSize, projectionDim (ints) | encoder (byte: 0 mlp, 1 conv; since version 2)
 * λ, μ, ν, γ (floats) | variance estimator (byte: 0 unbiased, 1 population)
 * optimizer kind (byte: 0 adam, 1 sgd, 2 lars) | lr, weight decay, β1, β2, ε, momentum, η (floats)
 * seed, step, optimizer updates (longs)
 * parameter count, slots per parameter (ints)
 * per parameter: name (short length + UTF-8) | rank (byte) | dims (longs) | values (floats)
 *                | each optimizer slot (floats, same length)
 * CRC32C of everything before it (int)
 * </pre>
 *
 * <p>Decoding checks length, magic, version and checksum before it reads anything else, and returns
 * plain arrays: nothing is loaded into a model until the whole record has been read. Version 1,
 * written before the encoder byte existed, is read as an MLP encoder.
 */
final class CheckpointCodec {

    static final int FORMAT_VERSION = 2;

    private static final byte[] MAGIC = "VICRGCKP".getBytes(StandardCharsets.US_ASCII);
    private static final int PREAMBLE_BYTES = MAGIC.length + 1 + Integer.BYTES;
    private static final int CHECKSUM_BYTES = Integer.BYTES;

    /** The highest rank of any parameter: convolution kernels are [out, in, height, width]. */
    private static final int MAX_RANK = 4;

    private CheckpointCodec() {}

    /** One named parameter and its optimizer slots, as host arrays. */
    record Tensor(String name, long[] shape, float[] values, float[][] slots) {}

    /** A decoded checkpoint. */
    record Decoded(
            int formatVersion,
            TrainerConfig config,
            long step,
            long optimizerUpdates,
            List<Tensor> tensors) {}

    static byte[] encode(
            TrainerConfig config, long step, long optimizerUpdates, List<Tensor> tensors) {
        int slotsPerParameter = tensors.isEmpty() ? 0 : tensors.get(0).slots().length;
        int size =
                PREAMBLE_BYTES + 3 * Integer.BYTES + 1 + 4 * Float.BYTES + 1 + 1 + 7 * Float.BYTES;
        size += 3 * Long.BYTES + 2 * Integer.BYTES;
        List<byte[]> names = new ArrayList<>(tensors.size());
        for (Tensor tensor : tensors) {
            byte[] name = tensor.name().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += Short.BYTES + name.length + 1 + tensor.shape().length * Long.BYTES;
            size += (1 + slotsPerParameter) * tensor.values().length * Float.BYTES;
        }
        size += CHECKSUM_BYTES;

        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) FORMAT_VERSION).putInt(size);
        ModelSpec spec = config.spec();
        out.putInt(spec.encoderDim()).putInt(spec.hiddenSize()).putInt(spec.projectionDim());
        out.put(encoderCode(spec.encoder()));
        LossWeights w = config.lossWeights();
        out.putFloat(w.lambdaInv()).putFloat(w.muVar()).putFloat(w.nuCov());
        out.putFloat(w.varianceTarget()).put(estimatorCode(w.varianceEstimator()));
        OptimizerConfig o = config.optimizer();
        out.put(kindCode(o.kind())).putFloat(o.learningRate()).putFloat(o.weightDecay());
        out.putFloat(o.beta1()).putFloat(o.beta2()).putFloat(o.epsilon());
        out.putFloat(o.momentum()).putFloat(o.trustCoefficient());
        out.putLong(config.seed()).putLong(step).putLong(optimizerUpdates);
        out.putInt(tensors.size()).putInt(slotsPerParameter);
        for (int i = 0; i < tensors.size(); i++) {
            Tensor tensor = tensors.get(i);
            out.putShort((short) names.get(i).length).put(names.get(i));
            out.put((byte) tensor.shape().length);
            for (long dim : tensor.shape()) {
                out.putLong(dim);
            }
            putFloats(out, tensor.values());
            for (float[] slot : tensor.slots()) {
                putFloats(out, slot);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    static Decoded decode(byte[] bytes) {
        if (bytes == null) {
            throw new InvalidCheckpointException("the checkpoint is null");
        }
        if (bytes.length < PREAMBLE_BYTES + CHECKSUM_BYTES) {
            throw new InvalidCheckpointException(
                    "truncated: " + bytes.length + " bytes is shorter than any checkpoint");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new InvalidCheckpointException(
                    "not a vicreg-streams checkpoint (bad magic bytes). Got: " + hex(magic));
        }
        int version = in.get();
        return switch (version) {
            case 1, 2 -> decodeBody(bytes, in, version);
            default ->
                    throw new InvalidCheckpointException(
                            "unknown format version "
                                    + version
                                    + "; this build reads version "
                                    + FORMAT_VERSION
                                    + ". Restore it with the release that wrote it.");
        };
    }

    private static Decoded decodeBody(byte[] bytes, ByteBuffer in, int version) {
        int declared = in.getInt();
        if (bytes.length < declared) {
            throw new InvalidCheckpointException(
                    "truncated: " + bytes.length + " bytes of the " + declared + " it declares");
        }
        if (bytes.length > declared) {
            throw new InvalidCheckpointException(
                    bytes.length + " bytes, but it declares " + declared + ": trailing data");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CHECKSUM_BYTES);
        int stored =
                ByteBuffer.wrap(bytes, bytes.length - CHECKSUM_BYTES, CHECKSUM_BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getInt();
        if (stored != (int) crc.getValue()) {
            throw new InvalidCheckpointException(
                    "corrupt: CRC32C checksum mismatch (stored "
                            + Integer.toHexString(stored)
                            + ", computed "
                            + Integer.toHexString((int) crc.getValue())
                            + ")");
        }
        try {
            ModelSpec spec =
                    new ModelSpec(
                            in.getInt(),
                            in.getInt(),
                            in.getInt(),
                            version >= 2 ? encoder(in.get()) : EncoderKind.MLP);
            LossWeights weights =
                    new LossWeights(
                            in.getFloat(),
                            in.getFloat(),
                            in.getFloat(),
                            in.getFloat(),
                            estimator(in.get()));
            OptimizerConfig optimizer =
                    new OptimizerConfig(
                            kind(in.get()),
                            in.getFloat(),
                            in.getFloat(),
                            in.getFloat(),
                            in.getFloat(),
                            in.getFloat(),
                            in.getFloat(),
                            in.getFloat());
            long seed = in.getLong();
            long step = in.getLong();
            long updates = in.getLong();
            TrainerConfig config = new TrainerConfig(spec, weights, optimizer, seed);
            int count = in.getInt();
            int slotsPerParameter = in.getInt();
            // Every size below is checked against the spec and the bytes left before it is
            // allocated:
            // a forged record with a valid checksum must not make the reader allocate what it
            // declares.
            if (count != spec.parameterTensors()
                    || slotsPerParameter < 0
                    || slotsPerParameter > 8) {
                throw new InvalidCheckpointException(
                        "corrupt: "
                                + count
                                + " parameters with "
                                + slotsPerParameter
                                + " slots each; model spec "
                                + spec
                                + " has "
                                + spec.parameterTensors()
                                + " parameters");
            }
            long valuesLeft = parameterValues(spec, bytes.length);
            List<Tensor> tensors = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int nameLength = in.getShort();
                if (nameLength < 1 || nameLength > in.remaining()) {
                    throw new InvalidCheckpointException(
                            "corrupt: parameter "
                                    + i
                                    + " declares a name of "
                                    + nameLength
                                    + " bytes");
                }
                byte[] name = new byte[nameLength];
                in.get(name);
                int rank = in.get();
                if (rank < 0 || rank > MAX_RANK) {
                    throw new InvalidCheckpointException(
                            "corrupt: parameter " + i + " declares rank " + rank);
                }
                long[] shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.getLong();
                    // Dimensions are at most the whole model's value count, so the product cannot
                    // overflow before it exceeds that count.
                    if (shape[d] < 0
                            || shape[d] > valuesLeft
                            || (elements *= shape[d]) > valuesLeft) {
                        throw new InvalidCheckpointException(
                                "corrupt: parameter "
                                        + i
                                        + " declares shape "
                                        + Arrays.toString(Arrays.copyOf(shape, d + 1))
                                        + ", more values than model spec "
                                        + spec
                                        + " has left");
                    }
                }
                valuesLeft -= elements;
                if (elements * (1 + slotsPerParameter) * Float.BYTES > in.remaining()) {
                    throw new InvalidCheckpointException(
                            "corrupt: parameter "
                                    + i
                                    + " declares shape "
                                    + Arrays.toString(shape)
                                    + ", more than the record holds");
                }
                float[] values = getFloats(in, (int) elements);
                float[][] slots = new float[slotsPerParameter][];
                for (int s = 0; s < slotsPerParameter; s++) {
                    slots[s] = getFloats(in, (int) elements);
                }
                // The trainer never applies a non-finite update, so such values were not written by
                // it.
                requireFinite(name, values, "weight");
                for (float[] slot : slots) {
                    requireFinite(name, slot, "optimizer state");
                }
                tensors.add(
                        new Tensor(new String(name, StandardCharsets.UTF_8), shape, values, slots));
            }
            if (in.remaining() != CHECKSUM_BYTES) {
                throw new InvalidCheckpointException(
                        "corrupt: "
                                + (in.remaining() - CHECKSUM_BYTES)
                                + " unread bytes after the parameters");
            }
            return new Decoded(version, config, step, updates, tensors);
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new InvalidCheckpointException("corrupt: the record ends inside a field", e);
        } catch (InvalidCheckpointException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException("corrupt: " + e.getMessage(), e);
        }
    }

    private static void requireFinite(byte[] name, float[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new InvalidCheckpointException(
                        "corrupt: parameter "
                                + new String(name, StandardCharsets.UTF_8)
                                + " holds a non-finite "
                                + what
                                + " value "
                                + values[i]
                                + " at index "
                                + i);
            }
        }
    }

    /** The spec's parameter value count, refused when the record cannot possibly hold it. */
    private static long parameterValues(ModelSpec spec, int recordBytes) {
        long values;
        try {
            values = spec.parameterCount();
        } catch (ArithmeticException e) {
            throw new InvalidCheckpointException(
                    "corrupt: model spec " + spec + " has more parameters than a long counts", e);
        }
        if (values > recordBytes / Float.BYTES) {
            throw new InvalidCheckpointException(
                    "corrupt: model spec "
                            + spec
                            + " has "
                            + values
                            + " parameter values, more than a record of "
                            + recordBytes
                            + " bytes holds");
        }
        return values;
    }

    private static void putFloats(ByteBuffer out, float[] values) {
        out.asFloatBuffer().put(values);
        out.position(out.position() + values.length * Float.BYTES);
    }

    private static float[] getFloats(ByteBuffer in, int count) {
        float[] values = new float[count];
        in.asFloatBuffer().get(values);
        in.position(in.position() + count * Float.BYTES);
        return values;
    }

    private static byte encoderCode(EncoderKind encoder) {
        return switch (encoder) {
            case MLP -> 0;
            case CONV -> 1;
        };
    }

    private static EncoderKind encoder(byte code) {
        return switch (code) {
            case 0 -> EncoderKind.MLP;
            case 1 -> EncoderKind.CONV;
            default -> throw new InvalidCheckpointException("corrupt: encoder code " + code);
        };
    }

    private static byte estimatorCode(VarianceEstimator estimator) {
        return switch (estimator) {
            case UNBIASED -> 0;
            case POPULATION -> 1;
        };
    }

    private static VarianceEstimator estimator(byte code) {
        return switch (code) {
            case 0 -> VarianceEstimator.UNBIASED;
            case 1 -> VarianceEstimator.POPULATION;
            default ->
                    throw new InvalidCheckpointException(
                            "corrupt: variance estimator code " + code);
        };
    }

    private static byte kindCode(OptimizerConfig.Kind kind) {
        return switch (kind) {
            case ADAM -> 0;
            case SGD -> 1;
            case LARS -> 2;
        };
    }

    private static OptimizerConfig.Kind kind(byte code) {
        return switch (code) {
            case 0 -> OptimizerConfig.Kind.ADAM;
            case 1 -> OptimizerConfig.Kind.SGD;
            case 2 -> OptimizerConfig.Kind.LARS;
            default -> throw new InvalidCheckpointException("corrupt: optimizer code " + code);
        };
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
