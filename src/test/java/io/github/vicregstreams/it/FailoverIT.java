package io.github.vicregstreams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.vicregstreams.events.MetricsEvent;
import io.github.vicregstreams.vicreg.CheckpointInfo;
import io.github.vicregstreams.vicreg.DeviceChoice;
import io.github.vicregstreams.vicreg.VicregTrainer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Two instances with the {@code failover.profile=fast} settings: the one holding the trainer is
 * killed with SIGKILL while pairs keep arriving, and the other takes the trainer over from its
 * standby, losing and repeating nothing. The time from the kill to the next applied step is
 * reported (a measurement, not an assertion: see docs/failover.md for the runs).
 */
class FailoverIT extends OnRealBroker {

    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void shouldMoveTheTrainerToTheStandbyAfterSigkillLosingAndRepeatingNothing(
            TestReporter reporter) throws Exception {
        Map<String, String> profile =
                Map.of("failover.profile", System.getProperty("it.failover.profile", "fast"));
        try (Scenario s = new Scenario(kafka, dir, 2, profile);
                LearnerProcess a = s.startLearner("a");
                LearnerProcess b = s.startLearner("b")) {
            // Feed until both instances run and the trainer has checkpointed at least once.
            while (s.checkpoints.isEmpty() || !running(b) || !running(a)) {
                feed(s);
                assertThat(pairsSent).as("a:%n%s%nb:%n%s", a.log(), b.log()).isLessThan(4_000);
            }
            LearnerProcess holder = holdsTheTrainer(b) ? b : a;
            LearnerProcess survivor = holder == a ? b : a;

            long killedAt = System.currentTimeMillis();
            holder.kill();
            int stepsBefore = s.metrics.size();
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(1))
                    .untilAsserted(
                            () -> {
                                feed(s); // pairs keep arriving while the trainer moves
                                assertThat(appliedAfter(s.metrics, stepsBefore, killedAt))
                                        .isNotNull();
                            });
            MetricsEvent next = appliedAfter(s.metrics, stepsBefore, killedAt);
            long failoverMs = next.timestamp() - killedAt;
            reporter.publishEntry("failover-ms", String.valueOf(failoverMs));
            System.out.println(
                    "Failover (SIGKILL to the next applied step): " + failoverMs + " ms");

            assertEveryPairEmbeddedOnce(s);
            assertThat(survivor.isAlive()).as(survivor.log()).isTrue();
        }
    }

    @Test
    void shouldLoseAndRepeatNothingThroughARollingRestartOfTwoInstances() throws Exception {
        Map<String, String> profile = Map.of("failover.profile", "fast");
        List<LearnerProcess> started = new java.util.ArrayList<>();
        try (Scenario s = new Scenario(kafka, dir, 2, profile)) {
            Map<String, LearnerProcess> instances = new java.util.LinkedHashMap<>();
            for (String name : List.of("a", "b")) {
                instances.put(name, s.startLearner(name));
                started.add(instances.get(name));
            }
            while (s.checkpoints.isEmpty()
                    || !instances.values().stream().allMatch(FailoverIT::running)) {
                feed(s);
                assertThat(pairsSent).isLessThan(4_000);
            }
            // One instance at a time: stop it cleanly (SIGTERM), keep feeding, start it again.
            for (String name : List.of("a", "b")) {
                LearnerProcess stopping = instances.get(name);
                int startsBefore = starts(stopping);
                assertThat(stopping.stop()).as(stopping.log()).isEqualTo(143);
                feed(s);
                feed(s);
                LearnerProcess restarted = s.startLearner(name);
                started.add(restarted);
                instances.put(name, restarted);
                while (starts(restarted) <= startsBefore) {
                    feed(s);
                    assertThat(pairsSent).as(restarted.log()).isLessThan(8_000);
                }
            }
            feed(s);

            assertEveryPairEmbeddedOnce(s);
            long expected = 0;
            for (MetricsEvent m : s.metrics) {
                expected += m.applied() ? 1 : 0;
                assertThat(m.step()).as("step counter after %s", m).isEqualTo(expected);
            }
            for (LearnerProcess instance : instances.values()) {
                assertThat(instance.isAlive()).as(instance.log()).isTrue();
            }
            assertWeightsOfAnUninterruptedRun(s);
        } finally {
            for (LearnerProcess process : started) {
                process.close();
            }
        }
    }

    /**
     * The model the restarts left equals one trained without them: the same batches (the pairs
     * topic in offset order, cut by the steps' batch sizes) on a fresh trainer of the same
     * configuration. Compared by embeddings, to float tolerance: this JVM's libtorch may run more
     * threads than the learner's one, which changes summation order.
     */
    private static void assertWeightsOfAnUninterruptedRun(Scenario s) throws Exception {
        // The idle checkpoint (checkpoint.idle.ms, 10 s) covers the last steps. The last step is
        // read again at each poll: the pairs of the last feed may still be waiting for their
        // batch (the wall-clock window releases it once no pair has come for a while), and
        // their step then comes after the ones read so far.
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            s.poll();
                            assertThat(
                                            CheckpointInfo.of(
                                                            s.checkpoints.get(
                                                                    s.checkpoints.size() - 1))
                                                    .step())
                                    .isEqualTo(s.metrics.get(s.metrics.size() - 1).step());
                        });
        assertThat(s.metrics.stream().mapToInt(MetricsEvent::batchSize).sum())
                .as("pairs trained, by the steps' batch sizes")
                .isEqualTo(s.embeddings.size());
        List<float[][]> pairs = s.readPairsTopic();
        try (VicregTrainer reference =
                        VicregTrainer.create(s.config.trainerConfig(), DeviceChoice.CPU);
                VicregTrainer learned =
                        VicregTrainer.restore(
                                s.checkpoints.get(s.checkpoints.size() - 1),
                                null,
                                DeviceChoice.CPU)) {
            int from = 0;
            for (MetricsEvent step : s.metrics) {
                float[][] view0 = new float[step.batchSize()][];
                float[][] view1 = new float[step.batchSize()][];
                for (int i = 0; i < step.batchSize(); i++) {
                    view0[i] = pairs.get(from + i)[0];
                    view1[i] = pairs.get(from + i)[1];
                }
                reference.step(view0, view1);
                from += step.batchSize();
            }
            assertThat(reference.step()).isEqualTo(learned.step());
            float[][] probe = {
                Scenario.features(1, 0), Scenario.features(2, 1), Scenario.features(3, 0)
            };
            float[][] want = reference.embed(probe);
            float[][] got = learned.embed(probe);
            for (int r = 0; r < probe.length; r++) {
                assertThat(got[r])
                        .containsExactly(want[r], org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
    }

    /** How many times an instance's inference tasks started (its log spans its restarts). */
    private static int starts(LearnerProcess learner) {
        return learner.log().split("Inference model in use", -1).length - 1;
    }

    /**
     * Every pair sent so far gets exactly one embedding, and every trained pair one (the batch
     * sizes add up to the embeddings). A step takes at least 2 pairs, so a last lone pair waits for
     * the next: pairs keep coming until all those sent before them are embedded.
     */
    private void assertEveryPairEmbeddedOnce(Scenario s) {
        int sent = pairsSent;
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            feed(s);
                            Map<String, Long> counts = s.embeddingCounts();
                            for (int i = 0; i < sent; i++) {
                                assertThat(counts).containsKey("p" + i);
                            }
                        });
        s.awaitEmbeddings(s.embeddings.size(), WAIT); // and read on for anything published twice
        assertThat(s.embeddingCounts()).allSatisfy((id, n) -> assertThat(n).as(id).isOne());
        assertThat(s.metrics.stream().mapToInt(MetricsEvent::batchSize).sum())
                .isEqualTo(s.embeddings.size());
    }

    /** Pairs {@code p0 … p(pairsSent-1)} have been sent. */
    private int pairsSent;

    /** Sends the next 16 pairs, then reads output for 200 ms. */
    private void feed(Scenario s) {
        s.sendPairs(pairsSent, pairsSent + 16);
        pairsSent += 16;
        long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
        while (System.nanoTime() < until) {
            s.poll();
        }
    }

    /** An instance with tasks of its own: its inference tasks log their model when they start. */
    private static boolean running(LearnerProcess learner) {
        return learner.log().contains("Inference model in use");
    }

    /** The trainer logs how it got its model when its task starts. */
    private static boolean holdsTheTrainer(LearnerProcess learner) {
        String log = learner.log();
        return log.contains("Restored the model from")
                || log.contains("No checkpoint in the store");
    }

    private static MetricsEvent appliedAfter(List<MetricsEvent> metrics, int from, long killedAt) {
        for (MetricsEvent m : metrics.subList(from, metrics.size())) {
            if (m.applied() && m.timestamp() >= killedAt) {
                return m;
            }
        }
        return null;
    }
}
