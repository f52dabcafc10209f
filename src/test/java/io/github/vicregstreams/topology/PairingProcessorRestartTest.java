package io.github.vicregstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vicregstreams.events.DeadLetter;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.ViewEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The pairing processor after a restart on the same store: the expiry index lives in memory, so a
 * new task instance rebuilds it from the waiting views and resumes the pairing clock.
 */
class PairingProcessorRestartTest {

    private static final long WINDOW_MS = 1_000;

    private final KeyValueStore<String, byte[]> pending =
            Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(LearnerTopology.PENDING_VIEWS_STORE),
                            Serdes.String(),
                            Serdes.ByteArray())
                    .withLoggingDisabled()
                    .build();

    private PairingProcessor start(MockProcessorContext<Object, Object> context) {
        return start(context, LearnerDriver.INPUT_DIM);
    }

    private PairingProcessor start(MockProcessorContext<Object, Object> context, int inputDim) {
        // After every record timestamp of the test, as in production.
        context.setCurrentSystemTimeMs(LearnerDriver.WALL_CLOCK_START.toEpochMilli());
        pending.init(context.getStateStoreContext(), pending);
        context.addStateStore(pending);
        PairingProcessor processor =
                new PairingProcessor(
                        FeatureEventParser.views(inputDim),
                        WINDOW_MS,
                        LearnerTopology.PAIRING_NODES);
        processor.init(context);
        return processor;
    }

    private static void send(PairingProcessor processor, String id, int view, long timestamp) {
        String json = LearnerDriver.json(id, view, LearnerDriver.features(id, view), null);
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        SourceRecord source =
                new SourceRecord(
                        "views",
                        0,
                        timestamp,
                        timestamp,
                        key,
                        json.getBytes(StandardCharsets.UTF_8));
        ViewEvent event =
                new ViewEvent(id, view, LearnerDriver.features(id, view), timestamp, null);
        processor.process(new Record<>(id, new ValidatedView(event, source), timestamp));
    }

    private static List<String> orphans(MockProcessorContext<Object, Object> context) {
        return context.forwarded(LearnerTopology.DEAD_LETTERS_SINK).stream()
                .map(f -> (DeadLetter) f.record().value())
                .filter(l -> l.reason().equals("orphan"))
                .map(l -> new String(l.key(), StandardCharsets.UTF_8))
                .toList();
    }

    /**
     * A view that waited through a restart with another {@code model.input.dim}: read again, the
     * new parser rejects it. That stopped the pairing (and again at every start, its partner being
     * delivered again); now the waiting view is dead-lettered with the new reason and the partner
     * waits in its place.
     */
    @Test
    void shouldDeadLetterAWaitingViewThatTheSettingsOfTheRestartReject() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        PairingProcessor before = start(first);
        send(before, "w", 0, 100);
        before.close();

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        PairingProcessor after = start(second, LearnerDriver.INPUT_DIM + 2);
        send(after, "w", 1, 200);

        assertThat(second.forwarded(LearnerTopology.PAIRS_SINK)).isEmpty();
        List<DeadLetter> letters =
                second.forwarded(LearnerTopology.DEAD_LETTERS_SINK).stream()
                        .map(f -> (DeadLetter) f.record().value())
                        .toList();
        assertThat(letters)
                .singleElement()
                .satisfies(
                        l -> {
                            assertThat(l.reason()).isEqualTo("wrong_feature_count");
                            assertThat(l.offset()).isEqualTo(100); // the waiting view's record
                            assertThat(l.detail()).contains("a run of other settings");
                        });
        assertThat(PendingView.decode(pending.get("w")).view()).isEqualTo(1);
        after.close();
    }

    @Test
    void shouldExpireAndPairTheViewsThatWaitedThroughARestart() {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        PairingProcessor before = start(first);
        send(before, "early", 1, 0);
        send(before, "late", 0, 500);
        before.close();

        MockProcessorContext<Object, Object> second = new MockProcessorContext<>();
        PairingProcessor after = start(second);
        // Stream time 1,200 closes the window of "early" (0), not that of "late" (500).
        send(after, "other", 0, 1_200);
        assertThat(orphans(second)).containsExactly("early");

        send(after, "late", 1, 1_300);
        List<String> paired =
                second.forwarded(LearnerTopology.PAIRS_SINK).stream()
                        .map(f -> String.valueOf(f.record().key()))
                        .toList();
        assertThat(paired).containsExactly("late");
        assertThat(orphans(second)).containsExactly("early");
        after.close();
    }
}
