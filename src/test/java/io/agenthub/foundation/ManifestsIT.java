package io.agenthub.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests the build wrote for the artifact it made: the Deployment never migrates
 * at start (the init Job does), and a native build adds a Knative Service that scales to zero
 * and keeps the migration out of its cold start.
 */
class ManifestsIT {

    static String read(String name) throws IOException {
        return Files.readString(Path.of("target", "kubernetes", name));
    }

    @Test
    void deploymentsLeaveTheMigrationToTheInitJob() throws IOException {
        String kubernetes = read("kubernetes.yml");
        assertThat(kubernetes).contains("kind: Deployment").contains("kind: Job").contains("name: agent-hub-flyway-init")
                .contains("name: wait-for-flyway").contains("path: /q/health/ready").contains("name: agent-hub-db");
        assertThat(kubernetes).doesNotContain("docker.io/root/");
        // operators' surfaces on the management port: probes and the ServiceMonitor there, the Service without it
        assertThat(kubernetes).containsPattern("path: /q/health/ready\\s+port: 9000").contains("name: management")
                .containsPattern("kind: ServiceMonitor[\\s\\S]*targetPort: 9000")
                .doesNotContainPattern("kind: Service\\n[\\s\\S]*?port: 9000[\\s\\S]*?kind: Deployment");

        Properties artifact = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("target", "quarkus-artifact.properties"))) {
            artifact.load(in);
        }
        if (!"native".equals(artifact.getProperty("type"))) {
            return;
        }
        // a native build adds a Knative Service that scales to zero and keeps the migration out of a cold start
        String knative = read("knative.yml");
        assertThat(knative).contains("kind: Service").contains("serving.knative.dev/v1")
                .contains("autoscaling.knative.dev/metric: concurrency").contains("autoscaling.knative.dev/target: \"16\"")
                .doesNotContain("min-scale: \"1\"")
                .containsPattern("name: QUARKUS_FLYWAY_ACTIVE\\s+value: \"false\"")
                .contains("- -Xmx64m").contains("-native").contains("path: /probe/ready").contains("path: /probe/live");
    }
}
