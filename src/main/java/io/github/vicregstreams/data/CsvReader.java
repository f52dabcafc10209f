package io.github.vicregstreams.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV file into a {@link Dataset}: one sample per line, every field a number,
 * optionally a header line and a label column.
 *
 * <p>Fields are separated by a single character (a comma by default) and trimmed; quoting is not
 * supported, as numeric data needs none. Blank lines are skipped. Every value must be a finite
 * number, and the label column, if any, must hold integers. Errors name the line (1-based, counting
 * the header) and the column.
 *
 * <pre>{@code
 * Dataset iris = CsvReader.builder().optHeader(true).optLabelColumn("species").build()
 *     .read(Path.of("iris.csv"));
 * }</pre>
 */
public final class CsvReader {

    private final boolean header;
    private final String labelName;
    private final int labelIndex;
    private final char delimiter;
    private final Pattern splitter;

    private CsvReader(Builder builder) {
        this.header = builder.header;
        this.labelName = builder.labelName;
        this.labelIndex = builder.labelIndex;
        this.delimiter = builder.delimiter;
        this.splitter = Pattern.compile(Pattern.quote(String.valueOf(builder.delimiter)));
    }

    /**
     * Starts a builder: no header, no label column, comma separated.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a UTF-8 file; the dataset is named after the file.
     *
     * @param file the CSV file
     * @return the dataset, labelled if a label column was configured
     * @throws MalformedDataException if a line breaks the rules; the message gives the line
     * @throws IOException if the file cannot be read
     */
    public Dataset read(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, String.valueOf(file.getFileName()));
        }
    }

    /**
     * Reads CSV text from a reader, which this method does not close.
     *
     * @param input the CSV text
     * @param name the dataset's name, also used in error messages
     * @return the dataset, labelled if a label column was configured
     * @throws MalformedDataException if a line breaks the rules; the message gives the line
     * @throws IOException if the reader fails
     */
    public Dataset read(Reader input, String name) throws IOException {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(name, "name must not be null");
        BufferedReader reader =
                input instanceof BufferedReader buffered ? buffered : new BufferedReader(input);
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int columns = -1;
        int label = -1;
        int lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1); // A byte-order mark some spreadsheet exports write.
            }
            if (line.isBlank()) {
                continue;
            }
            String[] fields = splitter.split(line, -1);
            if (columns < 0) {
                columns = fields.length;
                label = resolveLabelColumn(fields, name, lineNumber);
                if (columns - (label >= 0 ? 1 : 0) < 1) {
                    throw new MalformedDataException(
                            name,
                            "line " + lineNumber + ": there must be at least one feature column");
                }
                if (header) {
                    continue;
                }
            } else if (fields.length != columns) {
                throw new MalformedDataException(
                        name,
                        "line "
                                + lineNumber
                                + ": every line must have "
                                + columns
                                + " fields, as the first one. Got: "
                                + fields.length);
            }
            rows.add(parseRow(fields, label, name, lineNumber));
            if (label >= 0) {
                labels.add(parseLabel(fields[label].strip(), label, name, lineNumber));
            }
        }
        if (rows.isEmpty()) {
            throw new MalformedDataException(
                    name, "there must be at least one data line. Got: none");
        }
        int[] labelArray =
                label >= 0 ? labels.stream().mapToInt(Integer::intValue).toArray() : null;
        return Dataset.owning(name, rows.toArray(new float[0][]), labelArray, null);
    }

    private int resolveLabelColumn(String[] firstLine, String name, int lineNumber)
            throws MalformedDataException {
        if (labelName != null) {
            for (int i = 0; i < firstLine.length; i++) {
                if (firstLine[i].strip().equals(labelName)) {
                    return i;
                }
            }
            throw new MalformedDataException(
                    name,
                    "line "
                            + lineNumber
                            + ": the header has no label column named '"
                            + labelName
                            + "'. Columns: "
                            + Arrays.toString(firstLine));
        }
        if (labelIndex >= firstLine.length) {
            throw new MalformedDataException(
                    name,
                    "line "
                            + lineNumber
                            + ": label column index "
                            + labelIndex
                            + " is out of range for "
                            + firstLine.length
                            + " columns");
        }
        return labelIndex;
    }

    private float[] parseRow(String[] fields, int label, String name, int lineNumber)
            throws MalformedDataException {
        float[] row = new float[label >= 0 ? fields.length - 1 : fields.length];
        for (int i = 0, j = 0; i < fields.length; i++) {
            if (i == label) {
                continue;
            }
            String field = fields[i].strip();
            float value;
            try {
                value = Float.parseFloat(field);
            } catch (NumberFormatException e) {
                throw new MalformedDataException(
                        name,
                        at(lineNumber, i) + ": every value must be a number. Got: '" + field + "'");
            }
            if (!Float.isFinite(value)) {
                throw new MalformedDataException(
                        name,
                        at(lineNumber, i) + ": every value must be finite. Got: '" + field + "'");
            }
            row[j++] = value;
        }
        return row;
    }

    private static int parseLabel(String field, int column, String name, int lineNumber)
            throws MalformedDataException {
        try {
            // Spreadsheets often write integral labels as "3.0": accept those, nothing fractional.
            double value = Double.parseDouble(field);
            if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the rule.
        }
        throw new MalformedDataException(
                name,
                at(lineNumber, column) + ": the label must be an integer. Got: '" + field + "'");
    }

    private static String at(int lineNumber, int column) {
        return "line " + lineNumber + ", column " + (column + 1);
    }

    @Override
    public String toString() {
        return "CsvReader[header="
                + header
                + ", label="
                + (labelName != null
                        ? "'" + labelName + "'"
                        : labelIndex >= 0 ? "#" + labelIndex : "none")
                + ", delimiter='"
                + delimiter
                + "']";
    }

    /** Options of a {@link CsvReader}. */
    public static final class Builder {

        private boolean header;
        private String labelName;
        private int labelIndex = -1;
        private char delimiter = ',';

        private Builder() {}

        /**
         * Whether the first non-blank line holds column names (default false).
         *
         * @param header true if there is a header line
         * @return this builder
         */
        public Builder optHeader(boolean header) {
            this.header = header;
            return this;
        }

        /**
         * Takes labels from the column with this header name; needs {@code optHeader(true)}.
         *
         * @param name the column name
         * @return this builder
         */
        public Builder optLabelColumn(String name) {
            this.labelName = Objects.requireNonNull(name, "name must not be null").strip();
            this.labelIndex = -1;
            return this;
        }

        /**
         * Takes labels from the column at this 0-based index.
         *
         * @param index 0 or more
         * @return this builder
         * @throws IllegalArgumentException if the index is negative
         */
        public Builder optLabelColumn(int index) {
            if (index < 0) {
                throw new IllegalArgumentException(
                        "label column index must be at least 0. Got: " + index);
            }
            this.labelIndex = index;
            this.labelName = null;
            return this;
        }

        /**
         * The field separator (default comma).
         *
         * @param delimiter any character but a digit, sign, point, letter or line break
         * @return this builder
         * @throws IllegalArgumentException if the character can be part of a number
         */
        public Builder optDelimiter(char delimiter) {
            if (Character.isLetterOrDigit(delimiter) || "+-.\r\n".indexOf(delimiter) >= 0) {
                throw new IllegalArgumentException(
                        "delimiter must not be a character of a number or a line break. Got: '"
                                + delimiter
                                + "'");
            }
            this.delimiter = delimiter;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         * @throws IllegalArgumentException if a label column is named but there is no header
         */
        public CsvReader build() {
            if (labelName != null && !header) {
                throw new IllegalArgumentException(
                        "A label column by name ('"
                                + labelName
                                + "') needs a header: call optHeader(true)");
            }
            return new CsvReader(this);
        }
    }
}
