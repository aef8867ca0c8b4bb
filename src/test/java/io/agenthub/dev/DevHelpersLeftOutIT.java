package io.agenthub.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packaged application (jar or native executable, whichever this build produced) carries no
 * embedded PostgreSQL and no local token issuer: only the config source factory that, outside dev
 * mode and tests, does nothing.
 */
class DevHelpersLeftOutIT {

    static final List<String> HELPERS = List.of("io.agenthub.dev.EmbeddedPostgres", "io.agenthub.dev.LocalIssuer",
            "io.agenthub.dev.ProviderSimulator");

    @Test
    void theBuiltArtifactHasNoDevHelper() throws IOException {
        Properties artifact = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("target", "quarkus-artifact.properties"))) {
            artifact.load(in);
        }
        Path path = Path.of("target").resolve(artifact.getProperty("path"));
        if ("native".equals(artifact.getProperty("type"))) {
            // a reachable type leaves its name in the image heap; an unreachable one leaves nothing
            String image = new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
            assertThat(image).contains("io.agenthub.web.ProblemMapper");
            for (String helper : HELPERS) {
                assertThat(image).as(helper).doesNotContain(helper);
            }
            return;
        }
        try (Stream<Path> jars = Files.list(path.resolveSibling("app"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    List<String> dev = file.stream().map(e -> e.getName())
                            .filter(n -> n.startsWith("io/agenthub/dev/") && n.endsWith(".class")).toList();
                    assertThat(dev).containsExactly("io/agenthub/dev/LocalServicesConfigSourceFactory.class");
                }
            }
        }
    }
}
