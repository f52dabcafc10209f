package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NumPy reference ({@code python/vicreg_reference.py}) embeds an exported encoder as {@link
 * InferenceModel#embed} does, to {@value #TOLERANCE}, for both encoders. It runs {@code python3}
 * from the PATH and fails, never skips, when python3 or NumPy is missing.
 */
class SafetensorsNumpyReferenceTest {

    /** The target: the reference reproduces the Java embeddings to this. */
    private static final double TOLERANCE = 1e-5;

    private static final Path SCRIPT = Path.of("python", "vicreg_reference.py");
    private static final String INSTALL_HINT =
            "The NumPy reference test needs python3 with NumPy on the PATH. On Debian or Ubuntu:"
                    + " apt-get install python3-numpy (or pip install numpy).";
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir Path dir;

    @BeforeAll
    static void requirePythonWithNumpy() throws Exception {
        assertThat(SCRIPT).as("the reference, run from the project root").isRegularFile();
        Run run = python(List.of("-c", "import numpy; print(numpy.__version__)"));
        if (run.exitCode() != 0) {
            fail(INSTALL_HINT + " `python3 -c 'import numpy'` said:\n" + run.output());
        }
    }

    @Test
    void shouldReproduceTheMlpEncoderOfASmallSpec() throws Exception {
        assertReproduced(new ModelSpec(20, 24, 8), 5, 40);
    }

    @Test
    void shouldReproduceTheConvEncoderOfASmallSpec() throws Exception {
        assertReproduced(new ModelSpec(64, 24, 8, EncoderKind.CONV), 3, 30);
    }

    @Test
    void shouldReproduceTheDefaultMlpEncoder() throws Exception {
        assertReproduced(ModelSpec.of(784), 2, 50);
    }

    @Test
    void shouldReproduceTheDefaultConvEncoder() throws Exception {
        assertReproduced(new ModelSpec(784, 512, 256, EncoderKind.CONV), 2, 20);
    }

    @Test
    void shouldRefuseAFileOfAnotherFormatVersionWithOneLine() throws Exception {
        Path model =
                Files.write(
                        dir.resolve("future.safetensors"),
                        SafetensorsWriter.write(
                                List.of(),
                                Map.of(
                                        EncoderExport.FORMAT_KEY,
                                        EncoderExport.FORMAT,
                                        EncoderExport.FORMAT_VERSION_KEY,
                                        "2")));
        Path inputs = dir.resolve("inputs.npy");
        Npy.write(inputs, new float[][] {{1f}});

        Run run =
                python(
                        List.of(
                                SCRIPT.toString(),
                                model.toString(),
                                inputs.toString(),
                                dir.resolve("out.npy").toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output().strip())
                .isEqualTo("error: " + model + ": format version 2; this reader knows 1");
    }

    private void assertReproduced(ModelSpec spec, int steps, int rows) throws Exception {
        // Given: a model trained a few steps, so no gain or bias is at its initial value
        byte[] checkpoint;
        try (VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(spec), DeviceChoice.CPU)) {
            for (int s = 0; s < steps; s++) {
                float[][][] pairs = TestData.structuredPairs(s, 16, spec.encoderDim());
                trainer.step(pairs[0], pairs[1]);
            }
            checkpoint = trainer.checkpoint();
        }
        byte[] exported = EncoderExport.safetensors(checkpoint, spec, "reference-test");
        float[] gain = SafetensorsReader.read(exported).tensors().get(lastNormGain(spec)).values();
        assertThat(gain).as("trained LayerNorm gain").isNotEqualTo(ones(gain.length));
        Path model = Files.write(dir.resolve("model.safetensors"), exported);
        float[][] inputs = TestData.gaussian(99, rows, spec.encoderDim(), 1.0);
        Path inputFile = dir.resolve("inputs.npy");
        Npy.write(inputFile, inputs);
        Path outputFile = dir.resolve("outputs.npy");

        // When: Java and NumPy embed the same rows
        float[][] java;
        try (InferenceModel inference =
                InferenceModel.create(
                        ModelWeights.fromCheckpoint(checkpoint, spec), DeviceChoice.CPU)) {
            java = inference.embed(inputs);
        }
        Run run =
                python(
                        List.of(
                                SCRIPT.toString(),
                                model.toString(),
                                inputFile.toString(),
                                outputFile.toString()));

        // Then: the same representations, to the tolerance
        assertThat(run.exitCode()).as(run.output()).isZero();
        float[][] numpy = Npy.read(outputFile);
        assertThat(numpy.length).isEqualTo(rows);
        double max = 0;
        for (int i = 0; i < rows; i++) {
            assertThat(numpy[i]).hasSize(spec.representationDim());
            for (int j = 0; j < numpy[i].length; j++) {
                max = Math.max(max, Math.abs((double) numpy[i][j] - java[i][j]));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "NumPy reference against InferenceModel.embed, %s, %d rows: max |difference| ="
                        + " %.3e%n",
                spec,
                rows,
                max);
        assertThat(max).as("max |numpy - java| for %s", spec).isLessThanOrEqualTo(TOLERANCE);
    }

    private static String lastNormGain(ModelSpec spec) {
        return spec.encoder() == EncoderKind.MLP ? "encoder.5.weight" : "encoder.10.weight";
    }

    private static float[] ones(int n) {
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        return ones;
    }

    private record Run(int exitCode, String output) {}

    private static Run python(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("python3");
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(INSTALL_HINT + " Starting python3 failed: " + e.getMessage(), e);
            throw e;
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("python3 " + args + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.exitValue(), output);
    }
}
