package io.github.vicregstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    private static Dataset read(CsvReader reader, String csv) throws Exception {
        return reader.read(new StringReader(csv), "test.csv");
    }

    @Test
    void shouldReadFeaturesAndLabelsWhenTheLabelColumnIsNamedInTheHeader() throws Exception {
        String csv =
                """
        a, label, b
        1.5, 0, -2
        3, 2, 4e-1
        """;

        Dataset dataset =
                read(CsvReader.builder().optHeader(true).optLabelColumn("label").build(), csv);

        assertThat(dataset.rows()).isEqualTo(2);
        assertThat(dataset.featureDim()).isEqualTo(2);
        assertThat(dataset.features(0)).containsExactly(1.5f, -2f);
        assertThat(dataset.features(1)).containsExactly(3f, 0.4f);
        assertThat(dataset.labels()).hasValueSatisfying(l -> assertThat(l).containsExactly(0, 2));
        assertThat(dataset.imageShape()).isEmpty();
    }

    @Test
    void shouldReadTheLabelByIndexWhenThereIsNoHeader() throws Exception {
        Dataset dataset = read(CsvReader.builder().optLabelColumn(2).build(), "1,2,7\n3,4,8.0\n");

        assertThat(dataset.features(1)).containsExactly(3f, 4f);
        assertThat(dataset.labels()).hasValueSatisfying(l -> assertThat(l).containsExactly(7, 8));
    }

    @Test
    void shouldReadEveryColumnAsAFeatureWhenThereIsNoLabel() throws Exception {
        Dataset dataset = read(CsvReader.builder().build(), "1,2,3\n\n  \n4,5,6");

        assertThat(dataset.rows()).isEqualTo(2); // blank lines skipped
        assertThat(dataset.featureDim()).isEqualTo(3);
        assertThat(dataset.hasLabels()).isFalse();
    }

    @Test
    void shouldSplitOnTheConfiguredDelimiter() throws Exception {
        Dataset dataset = read(CsvReader.builder().optDelimiter(';').build(), "1;2\n3;4\n");

        assertThat(dataset.features(0)).containsExactly(1f, 2f);
    }

    @Test
    void shouldNameTheDatasetAfterTheFileWhenReadingAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("points.csv"), "\uFEFFx,y\n1,2\n");

        Dataset dataset = CsvReader.builder().optHeader(true).build().read(file);

        assertThat(dataset.name()).isEqualTo("points.csv");
        assertThat(dataset.features(0)).containsExactly(1f, 2f);
    }

    @Test
    void shouldGiveTheLineAndColumnWhenAValueIsNotANumber() {
        String csv = "a,b\n1,2\n3,abc\n";

        assertThatThrownBy(() -> read(CsvReader.builder().optHeader(true).build(), csv))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("test.csv: line 3, column 2: every value must be a number. Got: 'abc'");
    }

    @Test
    void shouldGiveTheLineWhenARowHasAnotherNumberOfFields() {
        String csv = "1,2,3\n4,5,6\n7,8\n";

        assertThatThrownBy(() -> read(CsvReader.builder().build(), csv))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        "test.csv: line 3: every line must have 3 fields, as the first one. Got: 2");
    }

    @Test
    void shouldRejectAnEmptyField() {
        assertThatThrownBy(() -> read(CsvReader.builder().build(), "1,2\n3,\n"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("test.csv: line 2, column 2: every value must be a number. Got: ''");
    }

    @Test
    void shouldRejectAValueThatIsNotFinite() {
        assertThatThrownBy(() -> read(CsvReader.builder().build(), "1,NaN\n"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("test.csv: line 1, column 2: every value must be finite. Got: 'NaN'");
    }

    @Test
    void shouldRejectALabelThatIsNotAnInteger() {
        assertThatThrownBy(() -> read(CsvReader.builder().optLabelColumn(0).build(), "2.5,1\n"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("test.csv: line 1, column 1: the label must be an integer. Got: '2.5'");
    }

    @Test
    void shouldListTheColumnsWhenTheNamedLabelColumnIsMissing() {
        CsvReader reader = CsvReader.builder().optHeader(true).optLabelColumn("class").build();

        assertThatThrownBy(() -> read(reader, "a,b\n1,2\n"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(
                        "test.csv: line 1: the header has no label column named 'class'. Columns: [a, b]");
    }

    @Test
    void shouldRejectALabelIndexBeyondTheColumns() {
        assertThatThrownBy(() -> read(CsvReader.builder().optLabelColumn(5).build(), "1,2\n"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("test.csv: line 1: label column index 5 is out of range for 2 columns");
    }

    @Test
    void shouldRejectALabelColumnWithoutFeatures() {
        assertThatThrownBy(() -> read(CsvReader.builder().optLabelColumn(0).build(), "1\n2\n"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("test.csv: line 1: there must be at least one feature column");
    }

    @Test
    void shouldRejectInputWithoutDataLines() {
        assertThatThrownBy(() -> read(CsvReader.builder().optHeader(true).build(), "a,b\n\n"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("test.csv: there must be at least one data line. Got: none");
    }

    @Test
    void shouldRefuseALabelColumnByNameWithoutAHeader() {
        assertThatThrownBy(() -> CsvReader.builder().optLabelColumn("label").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "A label column by name ('label') needs a header: call optHeader(true)");
    }

    @Test
    void shouldRefuseADelimiterThatCanBePartOfANumber() {
        assertThatThrownBy(() -> CsvReader.builder().optDelimiter('.'))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "delimiter must not be a character of a number or a line break. Got: '.'");
    }
}
