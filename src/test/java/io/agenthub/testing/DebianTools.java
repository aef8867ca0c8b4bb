package io.agenthub.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Programs the tests run that a fresh machine lacks, fetched once from Debian's packages (with the
 * libraries they need) into target/tools/NAME, so nothing has to be installed by hand. Only a
 * machine without apt (a macOS laptop) skips the tests that need them.
 */
final class DebianTools {

    private static final Path TOOLS = Path.of("target", "tools");

    private DebianTools() {
    }

    /** The program at {@code binary} inside the unpacked {@code packages}, fetched when missing. */
    static synchronized Path unpack(String name, String binary, String... packages) throws IOException, InterruptedException {
        Path root = TOOLS.resolve(name).toAbsolutePath();
        Path program = root.resolve(binary);
        if (Files.isExecutable(program)) {
            return program;
        }
        assumeTrue(onPath("apt-get") && onPath("dpkg-deb"),
                name + " is not installed and this machine has no apt to fetch it");
        Path downloads = Files.createDirectories(TOOLS.resolve(name + "-downloads"));
        for (String pkg : packages) {
            if (exec(downloads, "apt-get", "download", pkg) != 0
                    && (exec(downloads, "apt-get", "update") != 0 || exec(downloads, "apt-get", "download", pkg) != 0)) {
                throw new IllegalStateException("could not download Debian's " + pkg + " package");
            }
        }
        List<Path> debs;
        try (var files = Files.list(downloads)) {
            debs = files.filter(p -> p.getFileName().toString().endsWith(".deb")).toList();
        }
        for (Path deb : debs) {
            if (exec(downloads, "dpkg-deb", "-x", deb.getFileName().toString(), root.toString()) != 0) {
                throw new IllegalStateException("could not unpack " + deb);
            }
            Files.delete(deb);
        }
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException("Debian's " + packages[0] + " package has no " + binary);
        }
        return program;
    }

    /** Where the unpacked packages keep their shared libraries, for LD_LIBRARY_PATH. */
    static Path libraries(String name) {
        return TOOLS.resolve(name).toAbsolutePath().resolve("usr/lib/x86_64-linux-gnu");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static int exec(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
