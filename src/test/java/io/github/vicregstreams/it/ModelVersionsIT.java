package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.EmbeddingEvent;
import io.github.vicregstreams.index.IndexConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/**
 * The whole loop of model versions on a real broker: a learner in its own JVM promotes versions and
 * backfills every item, the reference consumer ({@code index}) swaps to each version once it is
 * complete, and its serving version then holds every item exactly once, all of that version — also
 * when the learner is killed with SIGKILL while the second version is being promoted and
 * backfilled.
 */
class ModelVersionsIT extends OnRealBroker {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void shouldServeEveryItemOnceFromOneVersionAfterEachBackfillAlsoAcrossAKill() throws Exception {
        Map<String, String> versions =
                Map.of(
                        "model.version.interval.steps", "2",
                        "checkpoint.interval.steps", "2",
                        "inference.batch.size", "8");
        try (Scenario s = new Scenario(kafka, dir, 2, versions);
                IndexConsumer index = IndexConsumer.start(indexSettings(s), dir.resolve("index"))) {
            LearnerProcess first = s.startLearner("a");
            try {
                runUntilTheKill(s, index, first);
            } finally {
                first.close(); // killed already, unless an assertion failed before
            }
            try (LearnerProcess second = s.startLearner("a")) {
                assertThat(index.index().awaitServing(2, WAIT))
                        .as("version 2 served; learner log:%n%s", second.log())
                        .isTrue();
                awaitCount(index, 2, 400);
                assertThat(index.index().ids(2)).isEqualTo(ids(0, 400));

                // The first 300 items came before version 2 existed: only the backfill embedded
                // them with it, once each, although the learner was killed on the way.
                awaitVersionEmbeddings(s, 2, 400);
                Map<String, Long> byId =
                        s.embeddings.stream()
                                .filter(e -> Long.valueOf(2).equals(e.modelVersion()))
                                .collect(
                                        Collectors.groupingBy(
                                                EmbeddingEvent::id, Collectors.counting()));
                for (String id : ids(0, 300)) {
                    assertThat(byId.get(id)).as("version 2 embeddings of %s", id).isEqualTo(1L);
                }
            }
        }
    }

    /** Version 1, whole; then the pairs of version 2, and a SIGKILL on their way. */
    private static void runUntilTheKill(Scenario s, IndexConsumer index, LearnerProcess first)
            throws Exception {
        {
            sendItems(s, 0, 300);
            s.sendPairs(0, 32); // two steps: the checkpoint of step 2 becomes version 1

            assertThat(index.index().awaitServing(1, WAIT))
                    .as("version 1 served; learner log:%n%s", first.log())
                    .isTrue();
            // Items that reach the backfill after its walk are embedded with the served version
            // as they come.
            awaitCount(index, 1, 300);
            assertThat(index.index().ids(1)).isEqualTo(ids(0, 300));

            sendItems(s, 300, 400);
            s.sendPairs(32, 64); // steps 3 and 4: version 2
            Thread.sleep(1_500);
            first.kill();
        }
    }

    private static IndexConsumer.Settings indexSettings(Scenario s) {
        return new IndexConsumer.Settings(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafka.bootstrapServers()),
                s.config.topics().embeddings(),
                s.config.topics().modelVersions(),
                s.config.modelName(),
                Duration.ofMillis(200),
                500);
    }

    /** Waits until the index holds {@code n} items of a version, or the wait is over. */
    private static void awaitCount(IndexConsumer index, long version, int n)
            throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (index.index().count(version) < n && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        Thread.sleep(1_000); // anything indexed twice would be right behind
        assertThat(index.index().count(version)).isEqualTo(n);
    }

    private static void sendItems(Scenario s, int from, int to) {
        for (int i = from; i < to; i++) {
            String id = "item-" + i;
            s.send(
                    s.config.topics().samples(),
                    id.getBytes(StandardCharsets.UTF_8),
                    Scenario.sampleJson(id, i));
        }
        s.flush();
    }

    private static void awaitVersionEmbeddings(Scenario s, long version, int ids) {
        Function<Scenario, Long> distinct =
                sc ->
                        sc.embeddings.stream()
                                .filter(e -> Long.valueOf(version).equals(e.modelVersion()))
                                .map(EmbeddingEvent::id)
                                .distinct()
                                .count();
        long until = System.nanoTime() + WAIT.toNanos();
        while (distinct.apply(s) < ids && System.nanoTime() < until) {
            s.poll();
        }
        long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < settle) {
            s.poll(); // anything published twice would be right behind
        }
    }

    private static Set<String> ids(int from, int to) {
        Set<String> ids = new HashSet<>();
        for (int i = from; i < to; i++) {
            ids.add("item-" + i);
        }
        return ids;
    }
}
