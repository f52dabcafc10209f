package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.Reason;
import io.github.vicregstreams.events.ViewEvent;
import java.time.Duration;
import java.util.Comparator;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Pairs view 0 and view 1 of each sample id within the pairing window.
 *
 * <p>The first view of an id waits in a changelogged store; an index by timestamp, for expiry,
 * lives in memory and is rebuilt from the store when the task starts (the store's changelog is the
 * only copy that has to survive a crash, and one changelog record and one tombstone per view fewer
 * is what a second store cost). When its partner comes within the window, the pair goes on to the
 * trainer. A view whose partner has not come when stream time passes its timestamp plus the window
 * is dead-lettered as {@code orphan}; so is a waiting view when its partner comes too late. A
 * second copy of a waiting view is dead-lettered as {@code duplicate}: the first copy wins.
 *
 * <p>Expiry runs on a pairing clock: the stream time of this task's views, moved on with the wall
 * clock once no view has arrived for a window of wall-clock time, so that the orphans of a stream
 * that went quiet are dead-lettered too. A view stamped more than the window ahead of the wall
 * clock is dead-lettered as {@code bad_timestamp} before it touches the clock: one record from the
 * future would otherwise expire every waiting view and split the pairs that follow.
 */
final class PairingProcessor extends ContextualProcessor<String, ValidatedView, Object, Object> {

    /** How often, in stream time, waiting views are checked for expiry; at most this often. */
    private static final long MAX_EXPIRY_INTERVAL_MS = 1_000;

    private final FeatureEventParser<ViewEvent> parser;
    private final long windowMs;
    private final Nodes nodes;
    private final long expiryIntervalMs;
    private KeyValueStore<String, byte[]> pending;

    /** The waiting views by timestamp, then id: the expiry order. */
    private final TreeSet<Waiting> byTime =
            new TreeSet<>(Comparator.comparingLong(Waiting::timestamp).thenComparing(Waiting::id));

    /** An entry of {@link #byTime}. */
    private record Waiting(long timestamp, String id) {}

    private DeadLetters deadLetters;

    /** The pairing clock (see the class comment); -1 before any view. */
    private long clock = -1;

    /** Pairing time of the last expiry check; record timestamps are never negative. */
    private long lastExpiryAt = -1 - MAX_EXPIRY_INTERVAL_MS;

    /** How long no view has come, for moving a quiet stream's clock on. */
    private QuietInput quiet;

    /**
     * The pairing node's node and store names in the topology, given by {@code LearnerTopology}.
     *
     * @param name this node, for its dead-letter metrics
     * @param store the store of the waiting views
     * @param pairsSink where pairs go
     * @param deadLettersSink where orphans, duplicates and views from the future go
     */
    record Nodes(String name, String store, String pairsSink, String deadLettersSink) {}

    PairingProcessor(FeatureEventParser<ViewEvent> parser, long windowMs, Nodes nodes) {
        this.parser = parser;
        this.windowMs = windowMs;
        this.nodes = nodes;
        this.expiryIntervalMs = Math.max(1, Math.min(windowMs, MAX_EXPIRY_INTERVAL_MS));
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        super.init(context);
        pending = context.getStateStore(nodes.store());
        deadLetters = new DeadLetters(context, nodes.name(), nodes.deadLettersSink());
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                byTime.add(new Waiting(PendingView.decode(entry.value).timestamp(), entry.key));
            }
        }
        // After a restart the clock resumes from the newest waiting view: no waiting view is older.
        clock = byTime.isEmpty() ? -1 : byTime.last().timestamp();
        quiet = new QuietInput(windowMs, context.currentSystemTimeMs());
        context.schedule(
                Duration.ofMillis(quiet.checkIntervalMs()),
                PunctuationType.WALL_CLOCK_TIME,
                this::expireIfIdle);
    }

    private void expireEvery(long pairingTime) {
        if (pairingTime - lastExpiryAt >= expiryIntervalMs) {
            lastExpiryAt = pairingTime;
            expire(pairingTime);
        }
    }

    /**
     * A quiet stream: the clock moves on with the wall clock once a window has passed. A stall of
     * this thread does not count ({@link QuietInput}): a waiting view's partner may be unread
     * behind it.
     */
    private void expireIfIdle(long now) {
        long idle = quiet.quietMs(now);
        if (clock >= 0 && idle >= windowMs) {
            expireEvery(clock + idle);
        }
    }

    @Override
    public void process(Record<String, ValidatedView> record) {
        ViewEvent event = record.value().event();
        SourceRecord source = record.value().source();
        String id = event.id();
        long timestamp = record.timestamp();
        long now = context().currentSystemTimeMs();
        if (timestamp - now > windowMs) {
            deadLetters.send(
                    source,
                    Reason.BAD_TIMESTAMP,
                    "the record timestamp "
                            + timestamp
                            + " is "
                            + (timestamp - now)
                            + " ms ahead of this instance's clock, more than pairing.window.ms ("
                            + windowMs
                            + "): check the producer's clock");
            return;
        }
        quiet.arrived(now);
        clock = Math.max(clock, timestamp);
        pairOrWait(event, source, id, timestamp, record);
        expireEvery(clock);
    }

    private void pairOrWait(
            ViewEvent event,
            SourceRecord source,
            String id,
            long timestamp,
            Record<String, ValidatedView> record) {
        byte[] stored = pending.get(id);
        if (stored == null) {
            await(id, new PendingView(event.view(), timestamp, source));
            return;
        }
        PendingView waiting = PendingView.decode(stored);
        if (waiting.view() == event.view()) {
            deadLetters.send(
                    source,
                    Reason.DUPLICATE,
                    "view "
                            + event.view()
                            + " of id "
                            + id
                            + " is already waiting for its partner (offset "
                            + waiting.source().offset()
                            + "); the first copy is kept");
            return;
        }
        if (Math.abs(timestamp - waiting.timestamp()) > windowMs) {
            forget(id, waiting);
            orphan(
                    id,
                    waiting,
                    "its partner came " + (timestamp - waiting.timestamp()) + " ms later");
            await(id, new PendingView(event.view(), timestamp, source));
            return;
        }
        forget(id, waiting);
        Parsed<ViewEvent> reparsed = parser.parse(waiting.source().key(), waiting.source().value());
        if (reparsed instanceof Parsed.Rejected<ViewEvent> rejected) {
            // Valid when it came, not under this run's settings (model.input.dim or
            // events.max.record.bytes changed while it waited): no pair; the new view waits.
            deadLetters.send(
                    waiting.source(),
                    rejected.reason(),
                    rejected.detail() + " (a view that waited from a run of other settings)");
            await(id, new PendingView(event.view(), timestamp, source));
            return;
        }
        ViewEvent partner = reparsed.value();
        ViewEvent view0 = event.view() == 0 ? event : partner;
        ViewEvent view1 = event.view() == 0 ? partner : event;
        Metadata metadata = view0.metadata() != null ? view0.metadata() : view1.metadata();
        long pairTime = Math.max(timestamp, waiting.timestamp());
        TrainingPair pair =
                new TrainingPair(id, pairTime, metadata, view0.features(), view1.features());
        context()
                .forward(
                        new Record<Object, Object>(id, pair, pairTime, record.headers()),
                        nodes.pairsSink());
    }

    private void await(String id, PendingView view) {
        pending.put(id, view.encode());
        byTime.add(new Waiting(view.timestamp(), id));
    }

    private void forget(String id, PendingView view) {
        pending.delete(id);
        byTime.remove(new Waiting(view.timestamp(), id));
    }

    /** Dead-letters every waiting view whose window has closed on the pairing clock. */
    private void expire(long pairingTime) {
        long closedBefore = pairingTime - windowMs;
        while (!byTime.isEmpty() && byTime.first().timestamp() < closedBefore) {
            String id = byTime.pollFirst().id();
            byte[] stored = pending.get(id);
            if (stored != null) {
                PendingView waiting = PendingView.decode(stored);
                pending.delete(id);
                orphan(
                        id,
                        waiting,
                        "no partner within " + windowMs + " ms (pairing time " + pairingTime + ")");
            }
        }
    }

    private void orphan(String id, PendingView waiting, String why) {
        deadLetters.send(
                waiting.source(),
                Reason.ORPHAN,
                "view " + waiting.view() + " of id " + id + " was never paired: " + why);
    }

    @Override
    public void close() {
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}
