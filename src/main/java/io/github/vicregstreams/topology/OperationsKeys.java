package io.github.vicregstreams.topology;

import io.github.vicregstreams.analysis.CollapseDetector;
import io.github.vicregstreams.events.EventLimits;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How the learner is watched and guarded: collapse warnings, the HTTP monitor, and the largest
 * input record it accepts.
 *
 * <p>One group of {@link LearnerConfig}'s keys: their types, defaults, valid values and
 * documentation, in the order {@code topology/learner.properties} lists them.
 */
final class OperationsKeys {

    /**
     * Where the monitor listens by default: loopback only. {@code monitor.MonitorConfig} states the
     * same defaults; a test of {@code MonitorConfig.from} keeps the two equal.
     */
    static final String DEFAULT_MONITOR_ADDRESS = "127.0.0.1";

    /** The monitor's default port. */
    static final int DEFAULT_MONITOR_PORT = 8080;

    private static final String COLLAPSE_STD_THRESHOLD_DOC =
            "The log warns of representation collapse when the mean per-dimension std of the"
                    + " projections falls below this (the variance term aims at loss.variance.target; a"
                    + " collapsed dimension has std near sqrt(1e-4) = 0.01).";
    private static final String COLLAPSE_RANK_THRESHOLD_DOC =
            "The log warns of collapse when the effective rank of a training batch's embeddings"
                    + " (exp of the entropy of its normalised singular values; checked every few steps)"
                    + " falls below this.";
    private static final String MONITOR_ENABLED_DOC =
            "Whether the command line starts the HTTP monitor: /health, /metrics (Prometheus), /model"
                    + " and the dashboard at /.";
    private static final String MONITOR_ADDRESS_DOC =
            "Address the monitor binds to; the default keeps it on this machine.";
    private static final String MONITOR_PORT_DOC = "Port of the monitor; 0 takes any free port.";
    private static final String MONITOR_AUTH_TOKEN_DOC =
            "Bearer token that /model, /metrics and /api/... require (header Authorization: Bearer"
                    + " TOKEN), compared in constant time; empty for none. Set it whenever monitor.address"
                    + " is not a loopback address: the monitor serves the model's weights.";
    private static final String EVENTS_MAX_RECORD_BYTES_DOC =
            "Largest accepted input record (key and value); larger ones are dead-lettered"
                    + " (record_too_large). At most what the learner's changelogged stores hold beside"
                    + " a waiting record's coordinates.";

    private OperationsKeys() {}

    /**
     * Adds this group's keys.
     *
     * @param def the definition so far
     * @return {@code def}, with the keys added
     */
    static ConfigDef define(ConfigDef def) {
        return def.define(
                        LearnerConfig.COLLAPSE_STD_THRESHOLD_CONFIG,
                        Type.DOUBLE,
                        0.1,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        COLLAPSE_STD_THRESHOLD_DOC)
                .define(
                        LearnerConfig.COLLAPSE_RANK_THRESHOLD_CONFIG,
                        Type.DOUBLE,
                        CollapseDetector.Thresholds.DEFAULTS.minEffectiveRank(),
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        COLLAPSE_RANK_THRESHOLD_DOC)
                .define(
                        LearnerConfig.MONITOR_ENABLED_CONFIG,
                        Type.BOOLEAN,
                        true,
                        Importance.MEDIUM,
                        MONITOR_ENABLED_DOC)
                .define(
                        LearnerConfig.MONITOR_ADDRESS_CONFIG,
                        Type.STRING,
                        DEFAULT_MONITOR_ADDRESS,
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        MONITOR_ADDRESS_DOC)
                .define(
                        LearnerConfig.MONITOR_PORT_CONFIG,
                        Type.INT,
                        DEFAULT_MONITOR_PORT,
                        ConfigDef.Range.between(0, 65535),
                        Importance.MEDIUM,
                        MONITOR_PORT_DOC)
                .define(
                        LearnerConfig.MONITOR_AUTH_TOKEN_CONFIG,
                        Type.PASSWORD,
                        "",
                        Importance.MEDIUM,
                        MONITOR_AUTH_TOKEN_DOC)
                .define(
                        LearnerConfig.EVENTS_MAX_RECORD_BYTES_CONFIG,
                        Type.INT,
                        EventLimits.DEFAULT_MAX_RECORD_BYTES,
                        ConfigDef.Range.between(64, LearnerTopology.MAX_INPUT_RECORD_BYTES),
                        Importance.LOW,
                        EVENTS_MAX_RECORD_BYTES_DOC);
    }
}
