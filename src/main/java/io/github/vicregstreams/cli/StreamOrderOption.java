package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.vicreg.EnumNames;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The order the commands that stream pairs send the samples in: {@code --order}. Real streams are
 * not shuffled; {@code sorted} streams the data class by class, to see what that does to learning.
 */
final class StreamOrderOption {

    /** An order of the samples. */
    enum Order {
        /** As the dataset holds them (Fashion-MNIST's files are in no class order). */
        FILE,
        /** Class by class, smallest label first (a non-IID stream). */
        SORTED;

        @Override
        public String toString() {
            return EnumNames.of(this);
        }
    }

    @Option(
            names = "--order",
            paramLabel = "ORDER",
            converter = OrderConverter.class,
            description =
                    "The order the samples are streamed in: file (as the dataset holds them) or"
                            + " sorted (class by class, a non-IID stream; needs labels)."
                            + " Default: ${DEFAULT-VALUE}.")
    Order order = Order.FILE;

    /**
     * The first {@code count} samples of {@code data}, in this order.
     *
     * @throws IllegalArgumentException for {@code sorted} on data without labels
     */
    Dataset apply(Dataset data, int count) {
        if (order == Order.FILE) {
            return data;
        }
        if (!data.hasLabels()) {
            throw new IllegalArgumentException(
                    "--order sorted needs labelled data: " + data.name() + " has no labels");
        }
        return data.head(count).sortedByLabel();
    }

    /** {@code file} or {@code sorted}, as the project spells settings. */
    static final class OrderConverter implements CommandLine.ITypeConverter<Order> {
        @Override
        public Order convert(String value) {
            return EnumNames.parse(Order.class, "--order", value);
        }
    }
}
