package io.github.vicregstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vicregstreams.topology.LearnerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemBenchOptionsTest {

    @Test
    void shouldUseTheDocumentedDefaultsWhenGivenNoArguments() {
        SystemBenchOptions options = SystemBenchOptions.parse(new String[0]);

        assertThat(options.phases()).containsExactly("bare", "topology", "latency", "serde", "rss");
        assertThat(options.batch()).isEqualTo(256);
        assertThat(options.inputDim()).isEqualTo(784);
        assertThat(options.pairs()).isEqualTo(15_360);
        assertThat(options.warmupPairs()).isEqualTo(15_360);
        assertThat(options.rounds()).isEqualTo(3);
        assertThat(options.latencySeconds()).isEqualTo(20);
        assertThat(options.rssSteps()).isEqualTo(10_000);
        assertThat(options.rssBatch()).isEqualTo(64);
        assertThat(options.out()).isEqualTo(Path.of("bench-results/system.json"));
        assertThat(options.bootstrap()).isNull();
        assertThat(options.pairEvents()).isFalse();
        assertThat(options.learnerOverrides()).isEmpty();
        assertThat(options.variants()).containsExactly(Map.of());
    }

    @Test
    void shouldGiveEachLearnerOfACompareItsValueOnTopOfTheLearnerSettings() {
        SystemBenchOptions options =
                SystemBenchOptions.parse(
                        new String[] {
                            "--learner=train.step.thread=true;train.batch.window.ms=250",
                            "--compare=train.step.thread=false, true"
                        });

        assertThat(options.variants())
                .containsExactly(
                        Map.of("train.step.thread", "false"), Map.of("train.step.thread", "true"));
        LearnerConfig first =
                options.learnerConfig(
                        "bench-a", Path.of("s"), options.spec(), options.variants().get(0));
        assertThat(first.getBoolean(LearnerConfig.TRAIN_STEP_THREAD_CONFIG)).isFalse();
        assertThat(first.batchWindowMs()).isEqualTo(250);
    }

    @Test
    void shouldProduceWhileTheLearnerTrainsUnlessAskedForABacklog() {
        assertThat(SystemBenchOptions.parse(new String[0]).backlog()).isFalse();
        assertThat(SystemBenchOptions.parse(new String[] {"--backlog=true"}).backlog()).isTrue();
        assertThatThrownBy(() -> SystemBenchOptions.parse(new String[] {"--backlog=yes"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--backlog is true or false");
    }

    @Test
    void shouldRefuseACompareWithoutTwoDifferentValues() {
        for (String compare :
                new String[] {
                    "--compare=train.step.thread=true",
                    "--compare=a=1,1",
                    "--compare==1,2",
                    "--compare=a=1,"
                }) {
            assertThatThrownBy(() -> SystemBenchOptions.parse(new String[] {compare}))
                    .as(compare)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--compare must be key=value1,value2");
        }
    }

    @Test
    void shouldDerivePairsFromTheBatchAndWarmUpFromThePairsWhenNotGiven() {
        SystemBenchOptions options = SystemBenchOptions.parse(new String[] {"--batch=16"});

        assertThat(options.pairs()).isEqualTo(960);
        assertThat(options.warmupPairs()).isEqualTo(960);
    }

    @Test
    void shouldRefuseAnUnknownInputWhenParsing() {
        assertThatThrownBy(() -> SystemBenchOptions.parse(new String[] {"--input=pairs"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--input must be views, pair-events or pair-events-binary. Got: pairs");
    }

    @Test
    void shouldGiveTheBareLoopAndTheLearnerTheSameModelWhenLearnerSettingsAreGiven() {
        SystemBenchOptions options =
                SystemBenchOptions.parse(
                        new String[] {
                            "--learner=model.hidden.size=16; train.batch.window.ms = 250",
                            "--input-dim=32",
                            "--input=pair-events",
                            "--batch=8"
                        });

        LearnerConfig config =
                options.learnerConfig("bench-x", Path.of("bench-state"), options.spec());

        assertThat(options.pairEvents()).isTrue();
        assertThat(options.spec().hiddenSize()).isEqualTo(16);
        assertThat(config.modelSpec()).isEqualTo(options.spec());
        assertThat(config.batchWindowMs()).isEqualTo(250);
        assertThat(config.applicationId()).isEqualTo("bench-x");
        assertThat(config.topics().byKey().values())
                .allMatch(topic -> topic.startsWith("bench-x."));
    }
}
