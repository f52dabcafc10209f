package io.github.vicregstreams.cli;

import io.github.vicregstreams.data.CsvReader;
import io.github.vicregstreams.data.Dataset;
import io.github.vicregstreams.data.FashionMnist;
import io.github.vicregstreams.data.Split;
import io.github.vicregstreams.data.SyntheticDataset;
import io.github.vicregstreams.vicreg.EnumNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Where a dataset comes from, as written on the command line: {@code fashion-mnist}, {@code
 * idx:DIR}, {@code synthetic[:ROWS]} or {@code csv:TRAIN[,TEST]}.
 *
 * @param kind the source kind
 * @param argument the path(s) or row count after the colon, or null
 */
record DatasetSource(Kind kind, String argument) {

    /** The syntax, for help texts. */
    static final String SYNTAX =
            "fashion-mnist (Debian: apt-get install dataset-fashion-mnist), idx:DIR (MNIST-layout"
                    + " files), synthetic[:ROWS] (10 classes in 64 features; ROWS training rows, default"
                    + " 10000, and ROWS/5 test rows), csv:TRAIN[,TEST] (a header line and an integer"
                    + " 'label' column)";

    /** Training rows of {@code synthetic} without a count. */
    static final int DEFAULT_SYNTHETIC_ROWS = 10_000;

    /** The kinds of source. */
    enum Kind {
        FASHION_MNIST,
        IDX,
        SYNTHETIC,
        CSV
    }

    /** Fashion-MNIST from where Debian installs it. */
    static DatasetSource fashionMnist() {
        return new DatasetSource(Kind.FASHION_MNIST, null);
    }

    /** The synthetic dataset of known structure with its default size. */
    static DatasetSource synthetic() {
        return new DatasetSource(Kind.SYNTHETIC, null);
    }

    /**
     * Parses a source.
     *
     * @throws IllegalArgumentException for anything else, with the syntax
     */
    static DatasetSource parse(String text) {
        String spec = text.trim();
        int colon = spec.indexOf(':');
        String name = (colon < 0 ? spec : spec.substring(0, colon)).toLowerCase(Locale.ROOT);
        String argument = colon < 0 ? null : spec.substring(colon + 1).trim();
        DatasetSource source;
        try {
            source = new DatasetSource(EnumNames.parse(Kind.class, "dataset", name), argument);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown dataset '" + text + "'. Use one of: " + SYNTAX, e);
        }
        if ((source.kind == Kind.IDX || source.kind == Kind.CSV)
                && (argument == null || argument.isEmpty())) {
            throw new IllegalArgumentException(
                    "Dataset "
                            + name
                            + " needs a path, e.g. "
                            + name
                            + ":/data/train.csv. Got: "
                            + text);
        }
        if (source.kind == Kind.SYNTHETIC && argument != null) {
            source.syntheticRows();
        }
        return source;
    }

    /**
     * Loads one split.
     *
     * @throws IOException if a file is missing or unreadable; the message says how to get it
     */
    Dataset load(Split split) throws IOException {
        return switch (kind) {
            case FASHION_MNIST ->
                    FashionMnist.load(
                            argument == null ? FashionMnist.DEFAULT_DIR : Path.of(argument), split);
            case IDX -> FashionMnist.load(Path.of(argument), split);
            case SYNTHETIC -> synthetic(split);
            case CSV -> csv(split);
        };
    }

    /** Whether the files are there (always true for synthetic data). */
    boolean isAvailable() {
        return switch (kind) {
            case FASHION_MNIST ->
                    FashionMnist.isAvailable(
                            argument == null ? FashionMnist.DEFAULT_DIR : Path.of(argument));
            case IDX -> FashionMnist.isAvailable(Path.of(argument));
            case SYNTHETIC -> true;
            case CSV -> java.nio.file.Files.isRegularFile(Path.of(argument.split(",")[0].trim()));
        };
    }

    private Dataset synthetic(Split split) {
        int rows = syntheticRows();
        int testRows = Math.max(1, rows / 5);
        // One generation for both splits: the same class centres and map, different samples.
        Dataset all = SyntheticDataset.builder().optRows(rows + testRows).generate();
        return split == Split.TRAIN ? all.slice(0, rows) : all.slice(rows, rows + testRows);
    }

    private int syntheticRows() {
        if (argument == null || argument.isEmpty()) {
            return DEFAULT_SYNTHETIC_ROWS;
        }
        try {
            int rows = Integer.parseInt(argument);
            if (rows < 2) {
                throw new IllegalArgumentException(
                        "synthetic:ROWS needs at least 2 rows. Got: " + argument);
            }
            return rows;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "synthetic:ROWS takes a number of rows, e.g. synthetic:5000. Got: " + argument,
                    e);
        }
    }

    private Dataset csv(Split split) throws IOException {
        String[] paths = argument.split(",");
        if (split == Split.TEST && paths.length < 2) {
            throw new IllegalArgumentException(
                    "csv:" + argument + " names no test file: give csv:TRAIN.csv,TEST.csv");
        }
        Path file = Path.of(paths[split == Split.TRAIN ? 0 : 1].trim());
        return CsvReader.builder().optHeader(true).optLabelColumn("label").build().read(file);
    }

    @Override
    public String toString() {
        String name = EnumNames.of(kind);
        return argument == null ? name : name + ":" + argument;
    }

    /** A picocli converter, so that a bad source is a usage error. */
    static final class Converter implements CommandLine.ITypeConverter<DatasetSource> {
        @Override
        public DatasetSource convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
