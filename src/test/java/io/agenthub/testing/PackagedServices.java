package io.agenthub.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.agenthub.dev.EmbeddedPostgres;
import io.agenthub.dev.LocalIssuer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What a deployment gives the packaged application (JVM jar or native executable) under
 * {@code @QuarkusIntegrationTest}: a PostgreSQL with its two roles, an OIDC issuer, the providers
 * and the encryption keys, all handed over as configuration the way the Kubernetes manifests do.
 * The application itself contains no dev helper: they run here, in the test JVM, which is also
 * what lets a test sign tokens, read the database and take it down.
 */
public final class PackagedServices implements QuarkusTestResourceLifecycleManager {

    private static volatile int managementPort;

    /** The management interface's port of the packaged application under test; 0 when none was started. */
    public static int managementPort() {
        return managementPort;
    }

    @Override
    public Map<String, String> start() {
        EmbeddedPostgres.Server db = EmbeddedPostgres.start(Path.of("target", "embedded-postgres",
                "it-" + ProcessHandle.current().pid()), false);
        LocalIssuer issuer = LocalIssuer.start(null, 0);
        Map<String, String> config = new HashMap<>(new FakeProviders().start());
        config.put("quarkus.datasource.reactive.url", db.reactiveUrl());
        config.put("quarkus.datasource.jdbc.url", db.jdbcUrl("agent_hub"));
        config.put("quarkus.datasource.username", "agent_hub_app");
        config.put("quarkus.datasource.password", db.appPassword());
        config.put("quarkus.flyway.username", "agent_hub_owner");
        config.put("quarkus.flyway.password", db.ownerPassword());
        config.put("OIDC_AUTH_SERVER_URL", issuer.url());
        config.put("AGENT_HUB_AUTO_CREATE_ORGANIZATIONS", "true");
        config.put("agent-hub.tenancy.platform-admin-subjects", "platform-admin");
        config.put("agent-hub.oauth.encryption.primary-key-id", "it");
        config.put("agent-hub.oauth.encryption.keys.it", "integration-test-token-key-not-secret");
        config.put("agent-hub.metrics.rollup-every", "off");
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            managementPort = free.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        config.put("quarkus.management.port", String.valueOf(managementPort));
        return config;
    }

    @Override
    public void stop() {
        // the database, the issuer and the fake servers stop with the test JVM
    }
}
