package io.github.vicregstreams.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a benchmark ran on, for its report. */
final class MachineInfo {

    /** Field 10 of /proc/[pid]/stat, minflt, counted from field 3, the first after the name. */
    private static final int MINFLT_AFTER_NAME = 7;

    private MachineInfo() {}

    static Map<String, Object> describe() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cpu", cpuModel());
        info.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        info.put(
                "java",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        info.put(
                "torchThreads", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        // The heap's sizes and the JVM's options are part of what a run measured: a reader of the
        // report can tell a run with a fixed heap (-Xms = -Xmx) from one without.
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        info.put("heapInitialBytes", heap.getInit());
        info.put("heapMaxBytes", heap.getMax());
        info.put("jvmOptions", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return info;
    }

    /** Resident set size of this process in bytes, from /proc; -1 where there is no /proc. */
    static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Minor page faults of this process so far (first touches of memory it was given), from
     * /proc/self/stat; -1 where there is no /proc.
     */
    static long minorPageFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name, in parentheses, may hold spaces; the fields after it are fixed.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(fields[MINFLT_AFTER_NAME]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
