package io.github.vicregstreams.topology;

import io.github.vicregstreams.vicreg.EncoderKind;
import io.github.vicregstreams.vicreg.EnumNames;
import io.github.vicregstreams.vicreg.LossWeights;
import io.github.vicregstreams.vicreg.ModelSpec;
import io.github.vicregstreams.vicreg.TrainerConfig;
import io.github.vicregstreams.vicreg.VarianceEstimator;
import io.github.vicregstreams.vicreg.Vicreg;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The model (its name, dimensions, encoder and initial seed) and the weights of the VICReg loss.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them; and the values that
 * several of them make together.
 */
final class ModelKeys {

    private static final String MODEL_NAME_DOC = "Key of the checkpoints on the model topic.";
    private static final String MODEL_HIDDEN_SIZE_DOC =
            "Width of the encoder and projector layers, and of the published embeddings.";
    private static final String MODEL_PROJECTION_DIM_DOC =
            "Width of the projector output, where the VICReg loss is computed.";
    private static final String MODEL_ENCODER_DOC =
            "The encoder: mlp (two fully connected layers, any features) or conv (three 3x3"
                    + " convolutions and a fully connected layer, for square single-channel images whose"
                    + " pixels are the features row by row: model.input.dim must be a square, 784 for"
                    + " 28x28). The projector is the same MLP for both.";
    private static final String MODEL_SEED_DOC =
            "Seed of the initial weights when no checkpoint exists yet.";
    private static final String LOSS_LAMBDA_INV_DOC = "Weight λ of the invariance term.";
    private static final String LOSS_MU_VAR_DOC = "Weight μ of the variance terms.";
    private static final String LOSS_NU_COV_DOC = "Weight ν of the covariance terms.";
    private static final String LOSS_VARIANCE_TARGET_DOC =
            "Target standard deviation γ of each projection dimension.";
    private static final String LOSS_VARIANCE_ESTIMATOR_DOC =
            "unbiased (divide by n − 1, as the official code) or population (divide by n).";

    private ModelKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.MODEL_NAME_CONFIG,
                        Type.STRING,
                        "vicreg",
                        new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM,
                        MODEL_NAME_DOC)
                .define(
                        LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG,
                        Type.INT,
                        Vicreg.DEFAULT_HIDDEN_SIZE,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        MODEL_HIDDEN_SIZE_DOC)
                .define(
                        LearnerConfig.MODEL_PROJECTION_DIM_CONFIG,
                        Type.INT,
                        Vicreg.DEFAULT_PROJECTION_DIM,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        MODEL_PROJECTION_DIM_DOC)
                .define(
                        LearnerConfig.MODEL_ENCODER_CONFIG,
                        Type.STRING,
                        EncoderKind.MLP.configName(),
                        ConfigDef.CaseInsensitiveValidString.in(
                                EncoderKind.MLP.configName(), EncoderKind.CONV.configName()),
                        Importance.MEDIUM,
                        MODEL_ENCODER_DOC)
                .define(
                        LearnerConfig.MODEL_SEED_CONFIG,
                        Type.LONG,
                        TrainerConfig.DEFAULT_SEED,
                        Importance.LOW,
                        MODEL_SEED_DOC)
                .define(
                        LearnerConfig.LOSS_LAMBDA_INV_CONFIG,
                        Type.DOUBLE,
                        (double) Vicreg.DEFAULT_LAMBDA_INV,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        LOSS_LAMBDA_INV_DOC)
                .define(
                        LearnerConfig.LOSS_MU_VAR_CONFIG,
                        Type.DOUBLE,
                        (double) Vicreg.DEFAULT_MU_VAR,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        LOSS_MU_VAR_DOC)
                .define(
                        LearnerConfig.LOSS_NU_COV_CONFIG,
                        Type.DOUBLE,
                        (double) Vicreg.DEFAULT_NU_COV,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        LOSS_NU_COV_DOC)
                .define(
                        LearnerConfig.LOSS_VARIANCE_TARGET_CONFIG,
                        Type.DOUBLE,
                        (double) Vicreg.DEFAULT_VARIANCE_TARGET,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        LOSS_VARIANCE_TARGET_DOC)
                .define(
                        LearnerConfig.LOSS_VARIANCE_ESTIMATOR_CONFIG,
                        Type.STRING,
                        "unbiased",
                        ConfigDef.ValidString.in("unbiased", "population"),
                        Importance.LOW,
                        LOSS_VARIANCE_ESTIMATOR_DOC);
    }

    /** The model's dimensions and encoder. */
    static ModelSpec modelSpec(LearnerConfig config) {
        return new ModelSpec(
                config.getInt(LearnerConfig.MODEL_INPUT_DIM_CONFIG),
                config.getInt(LearnerConfig.MODEL_HIDDEN_SIZE_CONFIG),
                config.getInt(LearnerConfig.MODEL_PROJECTION_DIM_CONFIG),
                EncoderKind.parse(config.getString(LearnerConfig.MODEL_ENCODER_CONFIG)));
    }

    /** The loss weights and the variance estimator. */
    static LossWeights lossWeights(LearnerConfig config) {
        return new LossWeights(
                config.getDouble(LearnerConfig.LOSS_LAMBDA_INV_CONFIG).floatValue(),
                config.getDouble(LearnerConfig.LOSS_MU_VAR_CONFIG).floatValue(),
                config.getDouble(LearnerConfig.LOSS_NU_COV_CONFIG).floatValue(),
                config.getDouble(LearnerConfig.LOSS_VARIANCE_TARGET_CONFIG).floatValue(),
                EnumNames.parse(
                        VarianceEstimator.class,
                        LearnerConfig.LOSS_VARIANCE_ESTIMATOR_CONFIG,
                        config.getString(LearnerConfig.LOSS_VARIANCE_ESTIMATOR_CONFIG)));
    }
}
