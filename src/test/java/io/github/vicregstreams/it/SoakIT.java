package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.vicreg.ForgedCheckpoints;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A soak, run on request only ({@code mvn verify -Dit.test=SoakIT -Dsoak=true}; minutes, not part
 * of the build): 100,000 records, good views mixed with every hostile kind that once stopped or
 * confused the learner, through a real broker to a learner in its own JVM. Every good pair must
 * come out as exactly one embedding, every hostile record as the dead letter its kind gives, and
 * the learner's heap after a full collection must end within 10% of where it was after warm-up.
 */
@EnabledIfSystemProperty(named = "soak", matches = "true")
class SoakIT extends OnRealBroker {

    private static final Duration WAIT = Duration.ofMinutes(10);

    /** Records in all: views of good pairs and hostile records. */
    private static final int RECORDS = Integer.getInteger("soak.records", 100_000);

    /** In every block of 100 records, this many are hostile; the rest are 35 good pairs. */
    private static final int HOSTILE_PER_100 = 30;

    @Test
    void shouldTurnEveryGoodPairIntoOneEmbeddingAndEveryHostileRecordIntoItsDeadLetter(
            TestReporter reporter) throws Exception {
        try (Scenario s = new Scenario(kafka, dir, 2, Map.of("pairing.window.ms", "5000"))) {
            s.raiseMaxMessageBytes(s.config.topics().views());
            try (LearnerProcess learner = s.startLearner("a", Map.of(), "1g")) {
                Map<String, Integer> expected = new TreeMap<>();
                int goodPairs = 0;
                int hostile = 0;
                long heapAfterWarmUp = -1;
                long started = System.nanoTime();
                for (int block = 0; block * 100 < RECORDS; block++) {
                    s.sendPairs(goodPairs, goodPairs + (100 - HOSTILE_PER_100) / 2);
                    goodPairs += (100 - HOSTILE_PER_100) / 2;
                    for (int k = 0; k < HOSTILE_PER_100; k++) {
                        String reason = sendHostile(s, block, k);
                        hostile++;
                        if (reason != null) {
                            expected.merge(reason, 1, Integer::sum);
                        }
                    }
                    if (block == 99) { // 10,000 records in: warmed up
                        s.flush();
                        int pairs = goodPairs + expected.getOrDefault("duplicate", 0);
                        s.awaitEmbeddings(pairs, WAIT);
                        heapAfterWarmUp = learner.usedHeapAfterGcKib();
                    }
                    if (block % 50 == 0) {
                        s.poll();
                    }
                }
                s.flush();
                int pairs = goodPairs + expected.getOrDefault("duplicate", 0);
                s.awaitEmbeddings(pairs, WAIT);
                await().atMost(WAIT)
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(
                                () -> {
                                    s.poll();
                                    assertThat(countByReason(s)).isEqualTo(expected);
                                });
                long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                long heapAtEnd = learner.usedHeapAfterGcKib();

                String summary =
                        String.format(
                                "Soak: %d records (%d good pairs, %d hostile) in %d s; heap after GC %d KiB"
                                        + " after warm-up, %d KiB at the end (%+.1f%%); dead letters %s",
                                RECORDS,
                                goodPairs,
                                hostile,
                                seconds,
                                heapAfterWarmUp,
                                heapAtEnd,
                                100.0 * (heapAtEnd - heapAfterWarmUp) / heapAfterWarmUp,
                                expected);
                System.out.println(summary);
                reporter.publishEntry("soak", summary);
                // The good pairs, and the pairs whose first view came twice.
                int duplicated = expected.getOrDefault("duplicate", 0);
                assertThat(s.embeddingCounts())
                        .hasSize(goodPairs + duplicated)
                        .allSatisfy((id, n) -> assertThat(n).isOne());
                assertThat(s.embeddings).allMatch(e -> e.id().startsWith("p"));
                assertThat(learner.isAlive()).as(learner.log()).isTrue();
                assertThat(learner.log()).contains("Refused a model-topic record");
                assertThat((double) heapAtEnd).isLessThanOrEqualTo(1.10 * heapAfterWarmUp);
            }
        }
    }

    private static Map<String, Integer> countByReason(Scenario s) {
        return s.deadLetters.stream()
                .collect(
                        Collectors.groupingBy(
                                DeadLetter::reason, TreeMap::new, Collectors.summingInt(d -> 1)));
    }

    /**
     * Sends hostile record {@code k} of a block and returns the dead-letter reason it must give, or
     * null when it gives none (a forged checkpoint is refused and counted, not dead-lettered; the
     * first view of an extreme pair gives nothing until its partner comes).
     */
    private static String sendHostile(Scenario s, int block, int k) {
        String views = s.config.topics().views();
        String id = "h" + block + "-" + k;
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        float[] features = Scenario.features(block, 0);
        String valid =
                "{\"id\":\"" + id + "\",\"view\":0,\"features\":" + Arrays.toString(features);
        switch (k % 15) {
            case 0 -> s.send(views, key, "not json".getBytes(StandardCharsets.UTF_8));
            case 1 ->
                    s.send(
                            views,
                            key,
                            (valid + ",\"metadata\":{\"x\":1}}")
                                    .getBytes(StandardCharsets.UTF_16LE));
            case 2 -> {
                s.send(
                        s.config.topics().samples(),
                        key,
                        (valid.replace("\"view\":0,", "") + ",\"metadata\":{\"x\":1}}")
                                .getBytes(Charset.forName("UTF-32BE")));
            }
            case 3 ->
                    s.send(
                            views,
                            key,
                            utf8("{\"id\":\"" + id + "\",\"view\":0,\"features\":[1,2]}"));
            case 4 -> {
                s.send(views, key, utf8(viewJson("a\\ud800" + id, 0, features)));
                return "wrong_shape";
            }
            case 5 -> {
                s.sendAt(views, key, utf8(valid + "}"), System.currentTimeMillis() + 3_600_000);
                return "bad_timestamp";
            }
            case 6 -> s.send(views, null, utf8(valid + "}"));
            case 7 -> s.send(views, utf8("other"), utf8(valid + "}"));
            case 8 ->
                    s.send(
                            views,
                            key,
                            utf8(
                                    "{\"id\":\""
                                            + id
                                            + "\",\"view\":0,\"features\":[NaN"
                                            + ",1".repeat(Scenario.INPUT_DIM - 1)
                                            + "]}"));
            case 9 -> s.send(views, key, utf8(valid + "}")); // an orphan: its partner never comes
            case 10 -> {
                // A duplicate: the same view twice, then its partner (the pair trains; one
                // duplicate).
                String dupId = "p-dup-" + id;
                String dup = viewJson(dupId, 0, features);
                s.send(views, utf8(dupId), utf8(dup));
                s.send(views, utf8(dupId), utf8(dup));
                s.send(views, utf8(dupId), utf8(viewJson(dupId, 1, Scenario.features(block, 1))));
                return "duplicate";
            }
            case 11 -> {
                if (block % 100 != 7) {
                    s.send(views, key, utf8("[1,2,3]"));
                    return "wrong_shape";
                }
                byte[] huge = new byte[6_200_000];
                Arrays.fill(huge, (byte) ' ');
                s.send(views, key, huge);
                return "record_too_large";
            }
            case 12 -> {
                if (block % 10 != 3) {
                    s.send(views, key, utf8("{}"));
                    return "missing_id";
                }
                // An extreme pair: trained in a skipped step, its own embedding dead-lettered.
                float[] extreme = new float[Scenario.INPUT_DIM];
                Arrays.fill(extreme, 1e20f);
                for (int view = 0; view < 2; view++) {
                    s.send(views, key, utf8(viewJson(id, view, extreme)));
                }
                return "non_finite_embedding";
            }
            case 13 -> {
                if (block % 20 != 5 || s.checkpoints.isEmpty()) {
                    s.send(
                            views,
                            key,
                            utf8("{\"id\":\"" + id + "\",\"view\":0,\"featuresF32\":\"!!!\"}"));
                    return "bad_features_f32";
                }
                byte[] good = s.checkpoints.get(s.checkpoints.size() - 1);
                s.send(
                        s.config.topics().model(),
                        utf8(s.config.modelName()),
                        ForgedCheckpoints.withParameterCount(good, 0x7fffffff));
                return null;
            }
            default -> s.send(views, key, null); // a tombstone
        }
        return switch (k % 15) {
            case 0, 1, 2, 8 -> k % 15 == 8 ? "non_finite_feature" : "not_json";
            case 3 -> "wrong_feature_count";
            case 6 -> "null_key";
            case 7 -> "key_mismatch";
            case 9 -> "orphan";
            default -> "null_value";
        };
    }

    /**
     * A view event's JSON, written by hand so that ids and values the serializer refuses go out.
     */
    private static String viewJson(String id, int view, float[] features) {
        return "{\"id\":\""
                + id
                + "\",\"view\":"
                + view
                + ",\"features\":"
                + Arrays.toString(features)
                + "}";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
