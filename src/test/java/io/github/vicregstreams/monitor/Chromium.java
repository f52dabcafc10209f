package io.github.vicregstreams.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the dashboard tests: Debian's {@code chromium} package, installed with apt
 * when missing and this is root (as on the CI machine); otherwise the test is skipped.
 */
final class Chromium {

    private static final List<Path> CANDIDATES =
            List.of(
                    Path.of("/usr/bin/chromium"),
                    Path.of("/usr/bin/chromium-browser"),
                    Path.of("/usr/bin/google-chrome"));

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(8);

    private final Path binary;

    private Chromium(Path binary) {
        this.binary = binary;
    }

    /** Finds Chromium, installing it with apt-get when missing; skips the test when it cannot. */
    static Chromium findOrInstall() throws IOException, InterruptedException {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            Assumptions.assumeTrue(
                    isRoot() && Files.isExecutable(Path.of("/usr/bin/apt-get")),
                    "Chromium is not installed, and this is not root on a Debian-like system:"
                            + " install the chromium package to run the dashboard test");
            if (apt("install", "-y", "--no-install-recommends", "chromium") != 0) {
                apt("update");
                apt("install", "-y", "--no-install-recommends", "chromium");
            }
            found = find();
            Assumptions.assumeTrue(
                    found.isPresent(),
                    "apt-get could not install chromium (no package repository reachable?): see the"
                            + " output above");
        }
        return new Chromium(found.get());
    }

    /**
     * Loads a page headless and returns what Chromium printed (the DOM with {@code --dump-dom}).
     *
     * @param profile an empty directory for the browser profile
     * @param args the mode: {@code --dump-dom} or {@code --screenshot=FILE}
     */
    String load(Path profile, String url, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(
                List.of(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--hide-scrollbars",
                        "--force-device-scale-factor=1",
                        "--user-data-dir=" + profile,
                        "--virtual-time-budget=8000",
                        "--window-size=1280,900"));
        command.addAll(List.of(args));
        command.add(url);
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Chromium did not finish within " + timeout + ": " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("Chromium failed with exit code " + process.exitValue());
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static Optional<Path> find() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return id.waitFor() == 0 && uid.equals("0");
    }

    private static int apt(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("apt-get");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        if (!process.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
