package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A checkpoint's encoder as a safetensors file: the weights inference embeds with, and in the
 * metadata what a reader needs to run the same forward pass without this library (the layers in
 * order, the LayerNorm ε, the spec). {@code python/vicreg_reference.py} in the source tree is such
 * a reader, in NumPy.
 *
 * <p>Tensors are named as PyTorch names the parameters of an {@code nn.Sequential}: {@code
 * encoder.<i>.weight} and {@code encoder.<i>.bias}, {@code i} the layer's position in the encoder
 * (a LayerNorm's gain is its {@code weight}). Linear weights are {@code [out, in]} (\(y = x W^T +
 * b\)), convolution kernels {@code [out, in, height, width]}. The layers are read from the network
 * {@link VicregBlock} builds for the spec, so a layer this class cannot describe fails the export
 * rather than producing a file that embeds differently.
 *
 * <p>Metadata keys: {@value #FORMAT_KEY} ({@value #FORMAT}), {@value #FORMAT_VERSION_KEY}, {@code
 * model_spec} ({@code 784-512-256}, {@code conv:784-512-256}), {@code encoder} ({@code mlp}, {@code
 * conv}), {@code input_dim}, {@code representation_dim}, {@code step}, {@code checkpoint_id} (as
 * the model topic's {@code vicreg.checkpoint.id} spells it), {@code model_name} when known, and
 * {@code layers}: a JSON array of {@code {"op": ...}} objects, ops {@code image} (reshape each row
 * to {@code shape}, channels first), {@code conv2d} ({@code stride}, {@code padding},
 * cross-correlation as in PyTorch), {@code relu}, {@code flatten} (channels, rows, columns), {@code
 * linear} and {@code layer_norm} (over the last axis, population variance, {@code eps}).
 */
public final class EncoderExport {

    /** Metadata key naming what the file is. */
    public static final String FORMAT_KEY = "format";

    /** The value of {@value #FORMAT_KEY}. */
    public static final String FORMAT = "vicreg-streams-encoder";

    /** Metadata key of the layout's version; a reader refuses versions it does not know. */
    public static final String FORMAT_VERSION_KEY = "format_version";

    /** The layout written: tensor names, metadata keys and ops as described above. */
    public static final int FORMAT_VERSION = 1;

    /** The media type of the file: safetensors has none registered. */
    public static final String CONTENT_TYPE = "application/octet-stream";

    /** The file extension. */
    public static final String FILE_EXTENSION = ".safetensors";

    /**
     * The ε of every LayerNorm: DJL's default, which {@link VicregBlock} keeps. DJL does not expose
     * it; {@code SafetensorsNumpyReferenceTest} fails if it ever differs from the forward pass.
     */
    static final float LAYER_NORM_EPSILON = 1e-5f;

    private static final String TENSOR_PREFIX = "encoder.";

    private EncoderExport() {}

    /**
     * The safetensors file of a checkpoint's encoder.
     *
     * @param checkpoint the bytes of {@link VicregTrainer#checkpoint()}
     * @param expectedSpec the spec the caller needs, or null to accept any
     * @param modelName the model's name for the metadata, or null to leave it out
     * @return the file's bytes
     * @throws InvalidCheckpointException if the checkpoint is truncated, corrupt, made for another
     *     spec, or its parameters do not fit its spec's encoder
     */
    public static byte[] safetensors(byte[] checkpoint, ModelSpec expectedSpec, String modelName) {
        ModelWeights weights = ModelWeights.fromCheckpoint(checkpoint, expectedSpec);
        Map<String, String> metadata = new LinkedHashMap<>();
        if (modelName != null) {
            metadata.put("model_name", modelName);
        }
        metadata.put("checkpoint_id", checkpointId(checkpoint));
        return safetensors(weights, metadata);
    }

    /**
     * The identity of a checkpoint as the model topic's {@code vicreg.checkpoint.id} header gives
     * it: its length, a dash, and its stored CRC32C as the hex of its last four bytes.
     *
     * @param checkpoint the bytes of a checkpoint
     * @return the id, e.g. {@code 6188-9a3c01ff}
     */
    public static String checkpointId(byte[] checkpoint) {
        int tail = Math.min(Integer.BYTES, checkpoint.length);
        return checkpoint.length
                + "-"
                + HexFormat.of().formatHex(checkpoint, checkpoint.length - tail, checkpoint.length);
    }

    /**
     * The safetensors file of weights' encoder, with more metadata.
     *
     * @param weights the weights
     * @param extra metadata written before the spec and layers (they win on a clash)
     * @return the file's bytes
     * @throws InvalidCheckpointException if the parameters do not fit the spec's encoder
     */
    static byte[] safetensors(ModelWeights weights, Map<String, String> extra) {
        ModelSpec spec = weights.spec();
        VicregBlock network = Vicreg.build(spec);
        String encoderName = network.getChildren().get(0).getKey();
        Map<String, CheckpointCodec.Tensor> byName = new LinkedHashMap<>();
        for (CheckpointCodec.Tensor tensor : weights.tensors()) {
            if (tensor.name().startsWith(encoderName + "_")) {
                byName.put(tensor.name(), tensor);
            }
        }
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        StringJoiner layers = new StringJoiner(",", "[", "]");
        Shape shape = new Shape(1, spec.encoderDim());
        List<Pair<String, Block>> children = network.encoder().getChildren().stream().toList();
        for (int i = 0; i < children.size(); i++) {
            String child = children.get(i).getKey();
            Block block = children.get(i).getValue();
            String prefix = encoderName + "_" + child + "_";
            String name = TENSOR_PREFIX + i;
            if (block instanceof Linear) {
                Shape out = block.getOutputShapes(new Shape[] {shape})[0];
                long units = out.tail();
                take(byName, prefix + "weight", name + ".weight", tensors, units, shape.tail());
                take(byName, prefix + "bias", name + ".bias", tensors, units);
                layers.add(op("linear", name, ""));
                shape = out;
            } else if (block instanceof Conv2d conv) {
                requireOnes(child, "dilation", conv.getDilation());
                if (conv.getGroups() != 1) {
                    throw notDescribable(child, "groups " + conv.getGroups());
                }
                Shape out = block.getOutputShapes(new Shape[] {shape})[0];
                long[] kernel = conv.getKernelShape().getShape();
                long filters = out.get(1);
                take(
                        byName,
                        prefix + "weight",
                        name + ".weight",
                        tensors,
                        filters,
                        shape.get(1),
                        kernel[0],
                        kernel[1]);
                take(byName, prefix + "bias", name + ".bias", tensors, filters);
                layers.add(
                        op(
                                "conv2d",
                                name,
                                ",\"stride\":"
                                        + json(conv.getStride())
                                        + ",\"padding\":"
                                        + json(conv.getPadding())));
                shape = out;
            } else if (block instanceof LayerNorm) {
                long width = shape.tail();
                take(byName, prefix + "gamma", name + ".weight", tensors, width);
                take(byName, prefix + "beta", name + ".bias", tensors, width);
                layers.add(op("layer_norm", name, ",\"eps\":" + LAYER_NORM_EPSILON));
            } else if (block instanceof LambdaBlock lambda) {
                String what = lambda.getName();
                if (what.equals("ReLU")) {
                    layers.add("{\"op\":\"relu\"}");
                } else if (what.equals("batchFlatten")) {
                    shape = new Shape(1, shape.size() / shape.get(0));
                    layers.add("{\"op\":\"flatten\"}");
                } else if (i == 0 && spec.encoder() == EncoderKind.CONV) {
                    // VicregBlock's first conv layer: each row as a 1×side×side image.
                    int side = spec.imageSide();
                    shape = new Shape(1, 1, side, side);
                    layers.add("{\"op\":\"image\",\"shape\":[1," + side + "," + side + "]}");
                } else {
                    throw notDescribable(child, "a lambda named " + what);
                }
            } else {
                throw notDescribable(child, block.getClass().getSimpleName());
            }
        }
        if (!byName.isEmpty()) {
            throw new InvalidCheckpointException(
                    "the encoder of " + spec + " has no parameter " + byName.keySet());
        }
        if (shape.tail() != spec.representationDim()) {
            throw new IllegalStateException(
                    "the encoder of "
                            + spec
                            + " ends with width "
                            + shape.tail()
                            + ", not its representation dimension");
        }
        Map<String, String> metadata = new LinkedHashMap<>(extra);
        metadata.put(FORMAT_KEY, FORMAT);
        metadata.put(FORMAT_VERSION_KEY, Integer.toString(FORMAT_VERSION));
        metadata.put("model_spec", spec.toString());
        metadata.put("encoder", spec.encoder().configName());
        metadata.put("input_dim", Integer.toString(spec.encoderDim()));
        metadata.put("representation_dim", Integer.toString(spec.representationDim()));
        metadata.put("step", Long.toString(weights.step()));
        metadata.put("layers", layers.toString());
        return SafetensorsWriter.write(tensors, metadata);
    }

    /** Moves a checkpoint tensor to the export under its new name, checking its shape. */
    private static void take(
            Map<String, CheckpointCodec.Tensor> byName,
            String checkpointName,
            String exportName,
            List<SafetensorsWriter.Tensor> out,
            long... expectedShape) {
        CheckpointCodec.Tensor tensor = byName.remove(checkpointName);
        if (tensor == null) {
            throw new InvalidCheckpointException("it has no parameter " + checkpointName);
        }
        if (!Arrays.equals(tensor.shape(), expectedShape)) {
            throw new InvalidCheckpointException(
                    "parameter "
                            + checkpointName
                            + " has shape "
                            + new Shape(tensor.shape())
                            + ", the encoder expects "
                            + new Shape(expectedShape));
        }
        out.add(new SafetensorsWriter.Tensor(exportName, tensor.shape(), tensor.values()));
    }

    /** A layer with a weight and a bias, and {@code fields} (JSON members, each after a comma). */
    private static String op(String op, String name, String fields) {
        return "{\"op\":\""
                + op
                + "\",\"weight\":\""
                + name
                + ".weight\",\"bias\":\""
                + name
                + ".bias\""
                + fields
                + "}";
    }

    private static String json(Shape shape) {
        StringJoiner out = new StringJoiner(",", "[", "]");
        for (long dim : shape.getShape()) {
            out.add(Long.toString(dim));
        }
        return out.toString();
    }

    private static void requireOnes(String child, String what, Shape shape) {
        for (long dim : shape.getShape()) {
            if (dim != 1) {
                throw notDescribable(child, what + " " + shape);
            }
        }
    }

    private static IllegalStateException notDescribable(String child, String what) {
        return new IllegalStateException(
                "The export cannot describe encoder layer "
                        + child
                        + " ("
                        + what
                        + "); teach EncoderExport and python/vicreg_reference.py this layer");
    }
}
