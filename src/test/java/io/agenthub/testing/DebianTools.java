package io.agenthub.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

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

    /**
     * The program at {@code binary} inside {@code packages} of another Debian release (with the C
     * library they were built against), fetched from deb.debian.org by that release's package
     * index when missing, and the command that runs it under that release's own dynamic loader.
     */
    static synchronized List<String> fromRelease(String name, String release, String binary, String... packages)
            throws IOException, InterruptedException {
        Path root = TOOLS.resolve(name).toAbsolutePath();
        Path program = root.resolve(binary);
        Path libraries = root.resolve("usr/lib/x86_64-linux-gnu");
        List<String> command = List.of(libraries.resolve("ld-linux-x86-64.so.2").toString(), "--library-path",
                libraries.toString(), program.toString());
        if (Files.isExecutable(program)) {
            return command;
        }
        assumeTrue(onPath("dpkg-deb"), name + " needs dpkg-deb to unpack Debian packages");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        String mirror = "http://deb.debian.org/debian/";
        byte[] index = get(http, mirror + "dists/" + release + "/main/binary-amd64/Packages.gz");
        Map<String, String> files = new HashMap<>();
        String current = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(index)),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("Package: ")) {
                    current = line.substring(9).strip();
                } else if (line.startsWith("Filename: ") && current != null) {
                    files.putIfAbsent(current, line.substring(10).strip());
                }
            }
        }
        Path downloads = Files.createDirectories(TOOLS.resolve(name + "-downloads"));
        for (String pkg : packages) {
            String file = files.get(pkg);
            if (file == null) {
                throw new IllegalStateException("Debian " + release + " has no package " + pkg);
            }
            Path deb = downloads.resolve(pkg + ".deb");
            Files.write(deb, get(http, mirror + file));
            if (exec(downloads, "dpkg-deb", "-x", deb.getFileName().toString(), root.toString()) != 0) {
                throw new IllegalStateException("could not unpack " + deb);
            }
            Files.delete(deb);
        }
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException("Debian " + release + "'s " + packages[0] + " package has no " + binary);
        }
        return command;
    }

    private static byte[] get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return response.body();
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
