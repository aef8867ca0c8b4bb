package io.agenthub.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker. Taken from PATH or $PROMTOOL when present; otherwise fetched once
 * from Debian's prometheus package into target/tools, so a fresh Debian machine needs nothing
 * installed by hand. Only a machine with neither promtool nor apt (a macOS laptop) skips the check.
 */
public final class Promtool {

    private static final Path TOOLS = Path.of("target", "tools");
    private static Path binary;

    private Promtool() {
    }

    public record Outcome(int exitCode, String output) {
    }

    /** Runs {@code promtool args...}, feeding {@code stdin} when not null. */
    public static Outcome run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool did not finish in 60 s");
        }
        return new Outcome(process.exitValue(), output);
    }

    static synchronized Path binary() throws IOException, InterruptedException {
        if (binary != null) {
            return binary;
        }
        String configured = System.getenv("PROMTOOL");
        if (configured != null && !configured.isBlank()) {
            return binary = Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "promtool");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return binary = candidate;
            }
        }
        Path extracted = TOOLS.resolve("prometheus/usr/bin/promtool").toAbsolutePath();
        if (Files.isExecutable(extracted)) {
            return binary = extracted;
        }
        assumeTrue(onPath("apt-get") && onPath("dpkg-deb"),
                "promtool is not installed and this machine has no apt to fetch it: set PROMTOOL to run this check");
        Files.createDirectories(TOOLS);
        if (exec("apt-get", "download", "prometheus") != 0 && (exec("apt-get", "update") != 0 || exec("apt-get", "download", "prometheus") != 0)) {
            throw new IllegalStateException("could not download Debian's prometheus package for promtool");
        }
        Path deb;
        try (var files = Files.list(TOOLS)) {
            deb = files.filter(p -> p.getFileName().toString().matches("prometheus_.*\\.deb")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("apt-get download left no prometheus package"));
        }
        if (exec("dpkg-deb", "-x", deb.getFileName().toString(), "prometheus") != 0 || !Files.isExecutable(extracted)) {
            throw new IllegalStateException("could not unpack promtool from " + deb);
        }
        Files.delete(deb);
        return binary = extracted;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static int exec(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(TOOLS.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
