package io.github.vicregstreams.kafka;

import java.util.Map;

/** The broker configs that make one node a complete cluster for the learner. */
final class SingleNodeDefaults {

    /**
     * Config key to value. Each entry says why it differs from Kafka's default.
     *
     * <p>The replication factors and minimum ISRs of the internal topics default to 3 (and 2),
     * which one node cannot satisfy: the broker then logs INVALID_REPLICATION_FACTOR for {@code
     * __consumer_offsets} or {@code __transaction_state}, and an exactly-once application waits
     * forever without an error of its own.
     */
    static final Map<String, String> CONFIG =
            Map.ofEntries(
                    Map.entry("offsets.topic.replication.factor", "1"),
                    Map.entry("transaction.state.log.replication.factor", "1"),
                    Map.entry("transaction.state.log.min.isr", "1"),
                    Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                    Map.entry("share.coordinator.state.topic.min.isr", "1"),
                    Map.entry("default.replication.factor", "1"),
                    Map.entry("min.insync.replicas", "1"),
                    // One node: more coordinator partitions only cost start-up time and open
                    // files when the first group or transaction appears (the defaults are 50 each).
                    Map.entry("offsets.topic.num.partitions", "1"),
                    Map.entry("transaction.state.log.num.partitions", "1"),
                    // No other members will join: don't hold the first rebalance back 3 s for them.
                    Map.entry("group.initial.rebalance.delay.ms", "0"),
                    // Room for the learner's largest records: see MESSAGE_MAX_BYTES.
                    Map.entry(
                            "message.max.bytes",
                            Integer.toString(EmbeddedKafkaBroker.MESSAGE_MAX_BYTES)),
                    // A crashed producer's open transaction holds back read_committed readers
                    // until the coordinator aborts it: it looks for timed-out transactions this
                    // often (10 s default).
                    Map.entry(
                            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"),
                    // The application creates its topics with their configs; a typo must not create
                    // one.
                    Map.entry("auto.create.topics.enable", "false"),
                    // The log cleaner (compacted topics: offsets, the model topic) allocates this
                    // up front;
                    // the 128 MiB default is heap the learner needs more, and 16 MiB indexes ~700k
                    // keys.
                    Map.entry(
                            "log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024)));

    private SingleNodeDefaults() {}
}
