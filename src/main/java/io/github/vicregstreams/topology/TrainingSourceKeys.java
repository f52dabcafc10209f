package io.github.vicregstreams.topology;

import io.github.vicregstreams.data.Augmentation;
import io.github.vicregstreams.data.Augmentations;
import io.github.vicregstreams.data.ImageShape;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * What the trainer trains on: the pairs producers send through the pairs topic, with the raw
 * samples of {@code topic.samples} too (views it draws itself), or the pair events only, read
 * straight from their topic.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them.
 */
final class TrainingSourceKeys {

    private static final String SOURCE_DOC =
            "What the trainer trains on. views: the pairs made from topic.views and"
                    + " topic.pair-events, through the pairs topic. samples: those, and every valid"
                    + " sample of topic.samples too; the trainer draws the two views of a sample itself"
                    + " (train.augmentation), afresh at each step that trains on it, so producers send"
                    + " each event once. Those samples get their embeddings from inference, as any"
                    + " sample does; the trainer publishes none for them. pair-events: only"
                    + " topic.pair-events, which the trainer's own task reads (it must have one"
                    + " partition; the learner creates it so), with no pairs topic between: one"
                    + " produce and one fetch of each pair fewer, and topic.pair-events is the"
                    + " trainer's journal, so its retention must outlast the longest outage."
                    + " topic.views is not read.";
    private static final String AUGMENTATION_DOC =
            "The augmentation the trainer draws a sample's views with, with train.source=samples:"
                    + " 'default', 'none', or steps separated by commas: shift:PIXELS, flip:P, erase:P,"
                    + " crop:MIN_SCALE, noise:SIGMA, mask:FRACTION, scale:MIN-MAX (as the produce"
                    + " command's --augment). The draws depend on model.seed, the sample's id and the"
                    + " step only.";
    private static final String AUGMENTATION_IMAGE_DOC =
            "The image layout of a sample for the image steps of train.augmentation: auto (a square"
                    + " image when model.input.dim is a square, else plain features), none (plain"
                    + " features), or HEIGHTxWIDTH, e.g. 28x28.";

    private TrainingSourceKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.TRAIN_SOURCE_CONFIG,
                        Type.STRING,
                        "views",
                        ConfigDef.ValidString.in("views", "samples", "pair-events"),
                        Importance.MEDIUM,
                        SOURCE_DOC)
                .define(
                        LearnerConfig.TRAIN_AUGMENTATION_CONFIG,
                        Type.STRING,
                        "default",
                        new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM,
                        AUGMENTATION_DOC)
                .define(
                        LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG,
                        Type.STRING,
                        "auto",
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        AUGMENTATION_IMAGE_DOC);
    }

    /**
     * The training source a configuration gives, its augmentation parsed.
     *
     * @throws ConfigException for an augmentation or image layout that does not fit the input
     */
    static TrainingSource settings(LearnerConfig config) {
        int inputDim = config.modelSpec().encoderDim();
        Optional<ImageShape> shape = imageShape(config, inputDim);
        String spec = config.getString(LearnerConfig.TRAIN_AUGMENTATION_CONFIG);
        Augmentation augmentation;
        try {
            augmentation =
                    Augmentations.parse(spec, shape, "an input of " + inputDim + " features");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    LearnerConfig.TRAIN_AUGMENTATION_CONFIG, spec, e.getMessage());
        }
        return new TrainingSource(
                input(config), augmentation, config.getLong(LearnerConfig.MODEL_SEED_CONFIG));
    }

    private static TrainingSource.Input input(LearnerConfig config) {
        if (config.trainsOnSamples()) {
            return TrainingSource.Input.SAMPLES;
        }
        return config.trainsOnPairEventsOnly()
                ? TrainingSource.Input.PAIR_EVENTS
                : TrainingSource.Input.VIEWS;
    }

    private static Optional<ImageShape> imageShape(LearnerConfig config, int inputDim) {
        String layout = config.getString(LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG).trim();
        if (layout.equals("none")) {
            return Optional.empty();
        }
        if (layout.equals("auto")) {
            int side = (int) Math.round(Math.sqrt(inputDim));
            return side * side == inputDim && side > 1
                    ? Optional.of(new ImageShape(side, side))
                    : Optional.empty();
        }
        String[] sides = layout.split("x", -1);
        try {
            if (sides.length == 2) {
                ImageShape shape =
                        new ImageShape(
                                Integer.parseInt(sides[0].trim()),
                                Integer.parseInt(sides[1].trim()));
                if (shape.pixels() == inputDim) {
                    return Optional.of(shape);
                }
                throw new ConfigException(
                        LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG,
                        layout,
                        "A "
                                + shape
                                + " image has "
                                + shape.pixels()
                                + " pixels, but model.input.dim is "
                                + inputDim);
            }
        } catch (IllegalArgumentException e) { // a side that is not a number, or below 1
            throw new ConfigException(
                    LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG, layout, e.getMessage());
        }
        throw new ConfigException(
                LearnerConfig.TRAIN_AUGMENTATION_IMAGE_CONFIG,
                layout,
                "Must be auto, none or HEIGHTxWIDTH, e.g. 28x28");
    }
}
