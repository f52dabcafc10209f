package io.github.vicregstreams.bench;

import com.sun.management.OperatingSystemMXBean;
import io.github.vicregstreams.topology.TrainerStepThread;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What a run through the topology costs besides the model, measured in one process (broker, Kafka
 * Streams and clients in the benchmark's JVM): CPU time by thread group, from {@link ThreadMXBean},
 * and bytes written to the broker by topic, from its {@code BytesInPerSec} meters (its log
 * directories when the broker runs elsewhere). Take a {@link #snapshot} before and after the
 * measured run; {@link #perPair} turns the difference into µs and bytes per pair.
 *
 * <p>The JIT compilers, the garbage collector, the JVM's VM thread and RocksDB's background threads
 * are not threads that {@code ThreadMXBean} lists; on Linux their CPU time is read from {@code
 * /proc/self/task} by the names the JVM and RocksDB give them (10 ms ticks). What is left of the
 * process's CPU time is shown as {@value #UNATTRIBUTED}: libtorch's intra-op workers, which carry
 * no name of their own, and every thread that ended between the two snapshots — its time is in the
 * process's but in no snapshot's list, such as the producer thread and client a benchmark round
 * starts and closes (a pinned profile found them to be most of it with one torch thread).
 */
final class DataPathCosts {

    static final String UNATTRIBUTED =
            "unattributed (threads ended within the run; libtorch workers)";

    /** Where the kernel lists the process's threads, one directory each. */
    private static final Path TASKS = Path.of("/proc/self/task");

    /** {@code /proc} counts CPU time in ticks of 1/100 s (USER_HZ on Linux). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** The report's count of the process's minor page faults per pair (absent without /proc). */
    static final String MINOR_FAULTS = "minorPageFaultsPerPair";

    /**
     * CPU nanoseconds by thread group, process CPU, bytes by topic, and the process's minor page
     * faults so far (-1 without /proc), at one moment.
     */
    record Snapshot(
            Map<String, Long> cpuNanos,
            long processCpuNanos,
            Map<String, Long> bytes,
            long minorFaults) {}

    private DataPathCosts() {}

    /**
     * The thread group of a thread, from the names Kafka and Kafka Streams give their threads.
     *
     * @param name a thread's name
     * @return its group
     */
    static String group(String name) {
        // Client threads first: their names carry the stream thread's client id.
        if (name.startsWith("kafka-producer-network-thread")) {
            return "producer I/O threads";
        }
        if (name.startsWith("kafka-coordinator-heartbeat-thread")) {
            return "consumer threads";
        }
        if (name.startsWith(TrainerStepThread.THREAD_NAME_PREFIX)) {
            return "training step thread (train.step.thread)";
        }
        if (name.contains("-StreamThread-")) {
            return "stream threads (training step included when on them)";
        }
        if (name.contains("GlobalStreamThread")) {
            return "global thread (model topic)";
        }
        if (name.startsWith("data-plane-kafka-request-handler")) {
            return "broker request handlers";
        }
        if (name.startsWith("data-plane-kafka-network-thread")
                || name.startsWith("data-plane-kafka-socket-acceptor")) {
            return "broker network threads";
        }
        if (name.startsWith("bench-")) {
            return "benchmark producer and reader";
        }
        return "other threads (broker background, logging, timers)";
    }

    /**
     * The group of a thread the JVM or RocksDB runs outside {@code ThreadMXBean}'s list, from its
     * kernel name ({@code comm}, at most 15 characters), or {@code null} for any other thread.
     *
     * @param comm a thread's kernel name
     * @return its group, or {@code null}
     */
    static String nativeGroup(String comm) {
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return "JIT compiler threads";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return "garbage collector threads";
        }
        if (comm.equals("VM Thread")) {
            // Safepoint operations, and the serial collector's whole work: the JVM picks that
            // collector on one CPU, as in a run pinned to one core.
            return "JVM VM thread (safepoints, serial GC)";
        }
        if (comm.startsWith("rocksdb:")) {
            return "RocksDB background threads";
        }
        return null;
    }

    /** CPU nanoseconds by {@link #nativeGroup}, of the threads alive now; empty off Linux. */
    private static Map<String, Long> nativeThreadCpu() {
        Map<String, Long> cpu = new TreeMap<>();
        if (!Files.isDirectory(TASKS)) {
            return cpu;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String group = nativeGroup(Files.readString(task.resolve("comm")).strip());
                    if (group != null) {
                        long nanos = ticks(Files.readString(task.resolve("stat"))) * NANOS_PER_TICK;
                        cpu.merge(group, nanos, Long::sum);
                    }
                } catch (IOException ended) {
                    // the thread ended since the directory was listed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cpu;
    }

    /**
     * User plus system ticks of a {@code /proc/<pid>/task/<tid>/stat} line: fields 14 and 15,
     * counted after the name in parentheses, which may itself hold spaces.
     *
     * @param stat the stat line
     * @return the thread's CPU time in ticks
     */
    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state); utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * The node id of the single broker an admin client talks to, for {@link #snapshot}.
     *
     * @param admin an admin client of the broker
     * @return the broker's node id
     */
    static int brokerId(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
    }

    /**
     * CPU by thread group and bytes by topic now.
     *
     * @param admin an admin client of the broker
     * @param brokerId the broker's node id
     * @return the snapshot
     */
    static Snapshot snapshot(Admin admin, int brokerId) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue; // ended since the ids were listed
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                cpu.merge(group(info.getThreadName()), nanos, Long::sum);
            }
        }
        nativeThreadCpu().forEach((group, nanos) -> cpu.merge(group, nanos, Long::sum));
        long process =
                ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime();
        long faults = MachineInfo.minorPageFaults();
        Map<String, Long> bytes = bytesInByTopic();
        if (!bytes.isEmpty()) {
            return new Snapshot(cpu, process, bytes, faults);
        }
        Map<String, LogDirDescription> dirs =
                admin.describeLogDirs(List.of(brokerId))
                        .allDescriptions()
                        .get(30, TimeUnit.SECONDS)
                        .get(brokerId);
        for (LogDirDescription dir : dirs.values()) {
            for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                bytes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
            }
        }
        return new Snapshot(cpu, process, bytes, faults);
    }

    /**
     * Bytes producers have written to each topic since the broker started, from the broker's own
     * {@code BytesInPerSec} meters, when the broker runs in this JVM (the embedded one); empty
     * otherwise. Log sizes, the fallback, are not bytes written: the cleaner shrinks compacted
     * changelogs during a long run, so a store written and emptied at every pair (a journal) can
     * show no growth at all.
     */
    private static Map<String, Long> bytesInByTopic() {
        Map<String, Long> bytes = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName pattern =
                    new ObjectName(
                            "kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=*");
            for (ObjectName meter : server.queryNames(pattern, null)) {
                long count = ((Number) server.getAttribute(meter, "Count")).longValue();
                bytes.put(meter.getKeyProperty("topic"), count);
            }
        } catch (JMException e) {
            throw new IllegalStateException("Cannot read the broker's BytesInPerSec meters", e);
        }
        return bytes;
    }

    /**
     * The costs of what happened between two snapshots, per pair: µs of CPU by thread group (with
     * the unattributed rest and the total) and bytes by topic (with the total). Threads that ended
     * in between take their CPU time with them, so a group can come out low, never negative here.
     *
     * @param before the snapshot before the run
     * @param after the snapshot after it
     * @param pairs the pairs the run trained
     * @param topicPrefix the run's topic prefix, cut from topic names for the report
     * @return {@code cpuMicrosPerPair} and {@code bytesPerPair}, each a map by name, and {@value
     *     #MINOR_FAULTS} where both snapshots counted them (a first touch of a page costs the
     *     kernel a few µs: the count says whether the measured span paid for any)
     */
    static Map<String, Object> perPair(
            Snapshot before, Snapshot after, long pairs, String topicPrefix) {
        Map<String, Object> cpu = new LinkedHashMap<>();
        long attributed = 0;
        for (Map.Entry<String, Long> group : after.cpuNanos().entrySet()) {
            long nanos =
                    Math.max(
                            0,
                            group.getValue() - before.cpuNanos().getOrDefault(group.getKey(), 0L));
            attributed += nanos;
            cpu.put(group.getKey(), round(nanos / 1e3 / pairs));
        }
        long process = after.processCpuNanos() - before.processCpuNanos();
        cpu.put(UNATTRIBUTED, round(Math.max(0, process - attributed) / 1e3 / pairs));
        cpu.put("process total", round(process / 1e3 / pairs));

        Map<String, Object> bytes = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, Long> topic : after.bytes().entrySet()) {
            long grown = topic.getValue() - before.bytes().getOrDefault(topic.getKey(), 0L);
            if (grown > 0 && topic.getKey().startsWith(topicPrefix)) {
                total += grown;
                bytes.put(
                        topic.getKey().substring(topicPrefix.length()),
                        round((double) grown / pairs));
            }
        }
        bytes.put("total", round((double) total / pairs));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cpuMicrosPerPair", cpu);
        result.put("bytesPerPair", bytes);
        if (before.minorFaults() >= 0 && after.minorFaults() >= 0) {
            result.put(
                    MINOR_FAULTS,
                    round((double) (after.minorFaults() - before.minorFaults()) / pairs));
        }
        return result;
    }

    /**
     * The mean of {@link #perPair} results of runs of equally many pairs: each figure averaged over
     * the runs that report it (a thread group or topic one run lacks counts as 0 there).
     *
     * @param runs the runs' costs
     * @return costs of the same shape
     */
    static Map<String, Object> mean(List<Map<String, Object>> runs) {
        Map<String, Object> mean = new LinkedHashMap<>();
        for (String table : List.of("cpuMicrosPerPair", "bytesPerPair")) {
            Map<String, Double> sums = new LinkedHashMap<>();
            for (Map<String, Object> run : runs) {
                ((Map<?, ?>) run.get(table))
                        .forEach(
                                (k, v) ->
                                        sums.merge(
                                                (String) k,
                                                ((Number) v).doubleValue(),
                                                Double::sum));
            }
            Map<String, Object> averaged = new LinkedHashMap<>();
            sums.forEach((k, sum) -> averaged.put(k, round(sum / runs.size())));
            // The sums last, as perPair lists them, even when a later run added a row.
            for (String sum : List.of(UNATTRIBUTED, "process total", "total")) {
                Object value = averaged.remove(sum);
                if (value != null) {
                    averaged.put(sum, value);
                }
            }
            mean.put(table, averaged);
        }
        if (runs.stream().allMatch(run -> run.get(MINOR_FAULTS) instanceof Number)) {
            mean.put(
                    MINOR_FAULTS,
                    round(
                            runs.stream()
                                    .mapToDouble(
                                            run -> ((Number) run.get(MINOR_FAULTS)).doubleValue())
                                    .average()
                                    .orElse(0)));
        }
        return mean;
    }

    /** Prints the costs as two small tables. */
    static void print(Map<String, Object> costs) {
        print(costs, "pair");
    }

    /** Prints the costs as two small tables, per {@code unit}: what {@link #perPair} divided by. */
    static void print(Map<String, Object> costs, String unit) {
        System.out.println("data path   CPU per " + unit + ", µs (all threads of this process):");
        ((Map<?, ?>) costs.get("cpuMicrosPerPair"))
                .forEach((k, v) -> System.out.printf("              %-55s %9s%n", k, v));
        System.out.println("data path   bytes per " + unit + " on the broker, by topic:");
        ((Map<?, ?>) costs.get("bytesPerPair"))
                .forEach((k, v) -> System.out.printf("              %-55s %9s%n", k, v));
        if (costs.get(MINOR_FAULTS) instanceof Number faults) {
            System.out.println(
                    "data path   minor page faults per " + unit + " (the process): " + faults);
        }
        if (costs.get("jitCompilingShare") instanceof Double share) {
            System.out.printf(
                    Locale.ROOT,
                    "data path   JIT compiling %.0f%% of the measured run's time%n",
                    share * 100);
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
