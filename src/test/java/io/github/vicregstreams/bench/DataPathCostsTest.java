package io.github.vicregstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class DataPathCostsTest {

    @Test
    void shouldGroupThreadsByTheNamesKafkaGivesThem() {
        assertThat(DataPathCosts.group("bench-1a2b-7f3e-StreamThread-1"))
                .isEqualTo("stream threads (training step included when on them)");
        assertThat(DataPathCosts.group("vicreg-training-step-0_0"))
                .isEqualTo("training step thread (train.step.thread)");
        assertThat(DataPathCosts.group("bench-1a2b-GlobalStreamThread"))
                .isEqualTo("global thread (model topic)");
        assertThat(
                        DataPathCosts.group(
                                "kafka-producer-network-thread | bench-StreamThread-1-producer"))
                .isEqualTo("producer I/O threads");
        assertThat(DataPathCosts.group("data-plane-kafka-request-handler-3"))
                .isEqualTo("broker request handlers");
        assertThat(
                        DataPathCosts.group(
                                "data-plane-kafka-network-thread-1-ListenerName(PLAINTEXT)-PLAINTEXT-0"))
                .isEqualTo("broker network threads");
        assertThat(DataPathCosts.group("kafka-log-cleaner-thread-0"))
                .isEqualTo("other threads (broker background, logging, timers)");
    }

    @Test
    void shouldGroupTheThreadsThatThreadMxBeanDoesNotListByTheirKernelNames() {
        assertThat(DataPathCosts.nativeGroup("C2 CompilerThre")).isEqualTo("JIT compiler threads");
        assertThat(DataPathCosts.nativeGroup("C1 CompilerThre")).isEqualTo("JIT compiler threads");
        assertThat(DataPathCosts.nativeGroup("GC Thread#1")).isEqualTo("garbage collector threads");
        assertThat(DataPathCosts.nativeGroup("G1 Conc#0")).isEqualTo("garbage collector threads");
        assertThat(DataPathCosts.nativeGroup("VM Thread"))
                .isEqualTo("JVM VM thread (safepoints, serial GC)");
        assertThat(DataPathCosts.nativeGroup("rocksdb:low"))
                .isEqualTo("RocksDB background threads");
        // Java threads are counted through ThreadMXBean; counting them here too would count twice.
        assertThat(DataPathCosts.nativeGroup("kafka-producer-")).isNull();
        assertThat(DataPathCosts.nativeGroup("java")).isNull();
    }

    @Test
    void shouldReadUserAndSystemTicksPastANameWithSpacesAndParentheses() {
        String stat =
                "4242 (C2 Compiler (x)) S 1 4242 4242 0 -1 4194368 10 0 0 0 123 45 0 0 20 0 40 0 99"
                        + " 0 0 18446744073709551615";

        assertThat(DataPathCosts.ticks(stat)).isEqualTo(168);
    }

    @Test
    void shouldTurnTwoSnapshotsIntoCostsPerPairOfTheRunsTopicsOnly() {
        DataPathCosts.Snapshot before =
                new DataPathCosts.Snapshot(
                        Map.of("broker request handlers", 1_000_000L),
                        5_000_000L,
                        Map.of("run.views", 100L),
                        1_000L);
        DataPathCosts.Snapshot after =
                new DataPathCosts.Snapshot(
                        Map.of(
                                "broker request handlers",
                                3_000_000L,
                                "producer I/O threads",
                                1_000_000L),
                        11_000_000L,
                        Map.of("run.views", 20_100L, "run.pairs", 10_000L, "other.topic", 999L),
                        1_025L);

        Map<String, Object> costs = DataPathCosts.perPair(before, after, 10, "run.");

        // 2 ms + 1 ms of 6 ms attributed, over 10 pairs
        assertThat(costs.get("cpuMicrosPerPair"))
                .asInstanceOf(InstanceOfAssertFactories.map(String.class, Double.class))
                .containsEntry("broker request handlers", 200.0)
                .containsEntry("producer I/O threads", 100.0)
                .containsEntry(DataPathCosts.UNATTRIBUTED, 300.0)
                .containsEntry("process total", 600.0);
        assertThat(costs.get("bytesPerPair"))
                .asInstanceOf(InstanceOfAssertFactories.map(String.class, Double.class))
                .containsEntry("views", 2_000.0)
                .containsEntry("pairs", 1_000.0)
                .containsEntry("total", 3_000.0)
                .doesNotContainKey("other.topic");
        assertThat(costs).containsEntry(DataPathCosts.MINOR_FAULTS, 2.5);
    }

    @Test
    void shouldLeaveOutThePageFaultsWhereASnapshotCouldNotCountThem() {
        DataPathCosts.Snapshot counted = new DataPathCosts.Snapshot(Map.of(), 0L, Map.of(), 10L);
        DataPathCosts.Snapshot uncounted = new DataPathCosts.Snapshot(Map.of(), 0L, Map.of(), -1L);

        assertThat(DataPathCosts.perPair(uncounted, counted, 10, "run."))
                .doesNotContainKey(DataPathCosts.MINOR_FAULTS);
        assertThat(DataPathCosts.perPair(counted, uncounted, 10, "run."))
                .doesNotContainKey(DataPathCosts.MINOR_FAULTS);
    }

    @Test
    void shouldAverageRunsOfEquallyManyPairsKeepingTheSumsLast() {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("cpuMicrosPerPair", orderedMap("stream threads", 100.0, "process total", 300.0));
        first.put("bytesPerPair", orderedMap(".pairs", 10.0, "total", 10.0));
        first.put(DataPathCosts.MINOR_FAULTS, 4.0);
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("cpuMicrosPerPair", orderedMap("stream threads", 200.0, "process total", 500.0));
        second.put("bytesPerPair", orderedMap(".pairs", 20.0, "total", 30.0, ".model", 10.0));
        second.put(DataPathCosts.MINOR_FAULTS, 1.0);

        Map<String, Object> mean = DataPathCosts.mean(List.of(first, second));

        assertThat(mean.get("cpuMicrosPerPair"))
                .asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                .containsExactly(entry("stream threads", 150.0), entry("process total", 400.0));
        // A topic only the second run wrote counts as 0 in the first; the total stays last.
        assertThat(mean.get("bytesPerPair"))
                .asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                .containsExactly(entry(".pairs", 15.0), entry(".model", 5.0), entry("total", 20.0));
        assertThat(mean).containsEntry(DataPathCosts.MINOR_FAULTS, 2.5);
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
