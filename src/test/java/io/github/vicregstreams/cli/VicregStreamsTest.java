package io.github.vicregstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VicregStreamsTest {

    @Test
    void shouldPrintUsageWhenRunBare() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith("Usage: vicreg-streams [-hV] [COMMAND]")
                .contains("run ", "broker ", "produce ", "evaluate ", "export ", "demo ", "help ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "broker", "produce", "evaluate", "export", "demo"})
    void shouldPrintHelpOfEachSubcommand(String subcommand) {
        CliRun run = CliRun.of(subcommand, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: vicreg-streams " + subcommand + " ");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldPrintHelpOfASubcommandThroughTheHelpCommand() {
        CliRun run = CliRun.of("help", "produce");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--rate=PAIRS_PER_S", "--samples", "--format=f32|json");
    }

    @Test
    void shouldExitWith2AndOneLineNamingAnUnknownConfigurationKey() {
        CliRun run = CliRun.of("run", "model.input.dim=784", "no.such.key=1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines())
                .singleElement()
                .satisfies(
                        line ->
                                assertThat(line)
                                        .startsWith(
                                                "error: Invalid value 1 for configuration no.such.key:")
                                        .contains("Unknown configuration key"));
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldExitWith2AndOneLineForASettingWithoutEqualsSign() {
        CliRun run = CliRun.of("run", "model.input.dim");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo(
                        "error: Settings are given as key=value, e.g. model.input.dim=784. Got:"
                                + " model.input.dim"
                                + System.lineSeparator());
    }

    @Test
    void shouldFailInBoundedTimeWithOneLineWhenTheBrokerIsUnreachable() {
        long started = System.nanoTime();

        CliRun run =
                CliRun.of(
                        "run",
                        "--connect-timeout",
                        "2",
                        "bootstrap.servers=127.0.0.1:1",
                        "model.input.dim=8");

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(20));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines())
                .singleElement()
                .satisfies(
                        line ->
                                assertThat(line)
                                        .startsWith(
                                                "error: Kafka at 127.0.0.1:1 did not answer within 2 s")
                                        .contains(
                                                "leave bootstrap.servers empty to start an embedded broker"));
    }

    @Test
    void shouldExitWith2ForAnUnknownDataset() {
        CliRun run = CliRun.of("produce", "--dataset", "imagenet");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown dataset 'imagenet'. Use one of: fashion-mnist");
    }

    @Test
    void shouldExitWith1AndOneLineForAMissingCheckpointFile() {
        CliRun run =
                CliRun.of(
                        "evaluate",
                        "--dataset",
                        "synthetic:20",
                        "--checkpoint",
                        "/no/such/file.ckpt");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo(
                        "error: /no/such/file.ckpt: checkpoint file not found"
                                + System.lineSeparator());
    }

    @Test
    void shouldTrainAndEvaluateTheBareLoopWithoutKafka() {
        CliRun run =
                CliRun.of(
                        "demo",
                        "--bare",
                        "--dataset",
                        "synthetic:400",
                        "--limit",
                        "300",
                        "--probe-epochs",
                        "3");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("Bare training loop, no Kafka")
                .contains("Trained 300 pairs in 2 steps of batch 256")
                .contains("Evaluation of checkpoint step 2")
                .contains("Run (bare): 300 pairs, 2 steps");
    }

    @Test
    void shouldStreamClassByClassButFitTheEvaluationInFileOrderWhenTheOrderIsSorted() {
        CliRun run =
                CliRun.of(
                        "demo",
                        "--bare",
                        "--order",
                        "sorted",
                        "--dataset",
                        "synthetic:400",
                        "--limit",
                        "300",
                        "--probe-epochs",
                        "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // The pairs come from the sorted samples; the probe is fit on the same samples unsorted,
        // so that the order changes what is learned, not how it is scored.
        assertThat(run.out()).contains("-head300-by-label");
        assertThat(run.out().lines().filter(line -> line.contains("fit on ")))
                .singleElement()
                .satisfies(
                        line -> assertThat(line).contains("-head300 (").doesNotContain("by-label"));
    }
}
