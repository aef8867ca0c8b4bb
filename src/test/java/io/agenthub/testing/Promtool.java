package io.agenthub.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker. Taken from PATH or $PROMTOOL when present; otherwise fetched once
 * from Debian's prometheus package ({@link DebianTools}).
 */
public final class Promtool {

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
        return binary = DebianTools.unpack("prometheus", "usr/bin/promtool", "prometheus");
    }
}
