package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The VICReg network: an encoder followed by a projector MLP.
 *
 * <ul>
 *   <li>encoder, {@link EncoderKind#MLP}: Linear(in→h) → ReLU → LayerNorm → Linear(h→h) → ReLU →
 *       LayerNorm
 *   <li>encoder, {@link EncoderKind#CONV}: the row as a 1×s×s image → Conv 3×3 (c₁) → ReLU → Conv
 *       3×3 stride 2 (c₂) → ReLU → Conv 3×3 stride 2 (c₂) → ReLU → flatten → Linear(→h) → ReLU →
 *       LayerNorm, with padding 1 and c₁, c₂ = {@value #CONV_CHANNELS}, 2·{@value #CONV_CHANNELS}
 *   <li>projector: Linear(h→h) → ReLU → LayerNorm → Linear(h→h) → ReLU → Linear(h→p)
 * </ul>
 *
 * <p>Input shape {@code [batch, encoderDim]}, output {@code [batch, projectionDim]}. {@link
 * #encoder()} alone maps the input to the representation, {@code [batch, hiddenSize]}. Every layer
 * works row by row (no batch normalisation), so a row's output never depends on the other rows of
 * its batch: both views can share one forward pass and inference batches can be any size.
 */
public final class VicregBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    /** Channels of the first convolution; the other two have twice as many. */
    static final int CONV_CHANNELS = 32;

    private static final Shape KERNEL = new Shape(3, 3);
    private static final Shape SAME_PADDING = new Shape(1, 1);
    private static final Shape HALVING_STRIDE = new Shape(2, 2);

    private final ModelSpec spec;
    private final SequentialBlock encoder;
    private final SequentialBlock projector;

    VicregBlock(ModelSpec spec) {
        super(VERSION);
        this.spec = spec;
        this.encoder =
                addChildBlock(
                        "encoder",
                        switch (spec.encoder()) {
                            case MLP -> mlpEncoder(spec);
                            case CONV -> convEncoder(spec);
                        });
        this.projector =
                addChildBlock(
                        "projector",
                        new SequentialBlock()
                                .add(linear(spec.hiddenSize()))
                                .add(Activation.reluBlock())
                                .add(LayerNorm.builder().build())
                                .add(linear(spec.hiddenSize()))
                                .add(Activation.reluBlock())
                                .add(linear(spec.projectionDim())));
    }

    /**
     * The spec this network was built for.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The encoder: {@code [batch, encoderDim]} to the representation {@code [batch, hiddenSize]}.
     *
     * @return the encoder block, sharing its parameters with this network
     */
    public Block encoder() {
        return encoder;
    }

    /**
     * The projector: representation {@code [batch, hiddenSize]} to {@code [batch, projectionDim]}.
     *
     * @return the projector block, sharing its parameters with this network
     */
    public Block projector() {
        return projector;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList representation = encoder.forward(parameterStore, inputs, training, params);
        return projector.forward(parameterStore, representation, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return projector.getOutputShapes(encoder.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(
            ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        projector.initialize(manager, dataType, encoder.getOutputShapes(inputShapes));
    }

    private static SequentialBlock mlpEncoder(ModelSpec spec) {
        return new SequentialBlock()
                .add(linear(spec.hiddenSize()))
                .add(Activation.reluBlock())
                .add(LayerNorm.builder().build())
                .add(linear(spec.hiddenSize()))
                .add(Activation.reluBlock())
                .add(LayerNorm.builder().build());
    }

    private static SequentialBlock convEncoder(ModelSpec spec) {
        int side = spec.imageSide();
        return new SequentialBlock()
                .add(rows -> new NDList(rows.singletonOrThrow().reshape(-1, 1, side, side)))
                .add(conv(CONV_CHANNELS, false))
                .add(Activation.reluBlock())
                .add(conv(2 * CONV_CHANNELS, true))
                .add(Activation.reluBlock())
                .add(conv(2 * CONV_CHANNELS, true))
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(linear(spec.hiddenSize()))
                .add(Activation.reluBlock())
                .add(LayerNorm.builder().build());
    }

    private static Block conv(int channels, boolean halving) {
        Conv2d.Builder builder =
                Conv2d.builder()
                        .setKernelShape(KERNEL)
                        .optPadding(SAME_PADDING)
                        .setFilters(channels);
        if (halving) {
            builder.optStride(HALVING_STRIDE);
        }
        return builder.build();
    }

    private static Block linear(int units) {
        return Linear.builder().setUnits(units).build();
    }
}
