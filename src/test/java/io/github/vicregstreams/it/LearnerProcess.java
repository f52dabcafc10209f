package io.github.vicregstreams.it;

import io.github.vicregstreams.topology.LearnerApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The learner in a JVM of its own, as users run it ({@link LearnerApp}'s main with a properties
 * file), so that a test can kill it with SIGKILL or stop it with SIGTERM.
 */
final class LearnerProcess implements AutoCloseable {

    private final Path log;
    private final Process process;

    private LearnerProcess(Path log, Process process) {
        this.log = log;
        this.process = process;
    }

    /** The heap of a learner: enough for the small models of the scenarios. */
    static final String DEFAULT_HEAP = "768m";

    /** Starts a learner with these settings; its output goes to {@code <dir>/learner-<n>.log}. */
    static LearnerProcess start(Path dir, String name, Map<String, String> settings) {
        return start(dir, name, settings, DEFAULT_HEAP);
    }

    /** As {@link #start(Path, String, Map)}, with a heap of {@code heap} ({@code -Xmx}). */
    static LearnerProcess start(Path dir, String name, Map<String, String> settings, String heap) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve(name + ".properties");
            Properties props = new Properties();
            props.putAll(settings);
            try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "integration test learner " + name);
            }
            Path log = dir.resolve(name + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + heap);
            command.add("-Dai.djl.pytorch.num_threads=1");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(LearnerApp.class.getName());
            command.add("--config");
            command.add(config.toString());
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start();
            return new LearnerProcess(log, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no checkpoint, no commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the shutdown hook checkpoints and leaves the group. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("The learner did not stop within 90 s; see " + log);
        }
        return process.exitValue();
    }

    /**
     * The learner's used heap after a full collection, in KiB, as {@code jcmd} reports it (G1:
     * "garbage-first heap total …K, used …K").
     */
    long usedHeapAfterGcKib() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        java.util.regex.Matcher used =
                java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("jcmd GC.heap_info printed no used size:\n" + info);
        }
        return Long.parseLong(used.group(1));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                Long.toString(process.pid()),
                                command)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed:\n" + out);
        }
        return out;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                // try-with-resources closes on the way out of an interrupted test: keep the flag.
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
