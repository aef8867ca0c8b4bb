package io.agenthub.dev;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.graalvm.nativeimage.ImageInfo;

import io.quarkus.runtime.LaunchMode;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * In dev and test, fills in what a laptop lacks: an embedded PostgreSQL when no database URL is
 * configured, a local OIDC issuer when no identity provider is configured, and in dev mode the
 * provider simulator for each model provider without credentials. Never acts in a
 * packaged application, whatever profile it is started with, where a missing database or issuer
 * is a start-up error: the packaged jar does not even contain the two helpers (see
 * {@code quarkus.package.jar.user-configured-ignored-entries}), and in a native image the
 * {@link ImageInfo} check is folded at build time, so they are unreachable and left out.
 */
public class LocalServicesConfigSourceFactory implements ConfigSourceFactory {

    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    static final String AUTH_SERVER_URL = "quarkus.oidc.auth-server-url";
    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // Launch mode first: a packaged jar has no ImageInfo class (a provided dependency) to resolve.
        if (!LaunchMode.current().isDevOrTest() || ImageInfo.inImageCode()) {
            return List.of();
        }
        List<String> profiles = context.getProfiles();
        boolean dev = profiles.contains("dev");
        boolean test = profiles.contains("test");
        if (!(dev || test)) {
            return List.of();
        }
        String runDir = dev ? "dev" : "test-" + ProcessHandle.current().pid();
        Map<String, String> properties = new HashMap<>();
        if (!isSet(context.getValue(REACTIVE_URL)) && !isFalse(context.getValue("agent-hub.dev.embedded-postgres"))) {
            EmbeddedPostgres.Server db = EmbeddedPostgres.start(Path.of("target", "embedded-postgres", runDir), dev);
            properties.put(REACTIVE_URL, db.reactiveUrl());
            properties.put("quarkus.datasource.jdbc.url", db.jdbcUrl(EmbeddedPostgres.DATABASE));
            properties.put("quarkus.datasource.username", EmbeddedPostgres.APP_ROLE);
            properties.put("quarkus.datasource.password", db.appPassword());
            properties.put("quarkus.flyway.username", EmbeddedPostgres.OWNER_ROLE);
            properties.put("quarkus.flyway.password", db.ownerPassword());
        }
        if (!isSet(context.getValue(AUTH_SERVER_URL)) && !isFalse(context.getValue("agent-hub.dev.local-issuer"))) {
            ConfigValue port = context.getValue("agent-hub.dev.local-issuer-port");
            LocalIssuer issuer = LocalIssuer.start(dev ? Path.of("target", "local-issuer") : null,
                    isSet(port) ? Integer.parseInt(port.getValue()) : 0);
            properties.put(AUTH_SERVER_URL, issuer.url());
        }
        if (dev && !isFalse(context.getValue("agent-hub.dev.provider-simulator"))) {
            simulateMissingProviders(context, properties);
        }
        return properties.isEmpty() ? List.of() : List.of(new PropertiesConfigSource(properties, "local-services", ORDINAL));
    }

    /** Each provider without credentials answers through the simulator; configured ones stay real. */
    private static void simulateMissingProviders(ConfigSourceContext context, Map<String, String> properties) {
        boolean openRouter = !isSet(context.getValue("agent-hub.providers.openrouter.api-key"));
        boolean vertex = !isSet(context.getValue("agent-hub.providers.vertex.access-token"))
                && !isSet(context.getValue("agent-hub.providers.vertex.service-account-key"))
                && !isSet(context.getValue("agent-hub.providers.vertex.service-account-key-file"));
        if (!openRouter && !vertex) {
            return;
        }
        ProviderSimulator simulator = ProviderSimulator.start();
        if (openRouter) {
            properties.put("agent-hub.providers.openrouter.base-url", simulator.url() + "/api/v1");
            properties.put("agent-hub.providers.openrouter.api-key", ProviderSimulator.KEY);
        }
        if (vertex) {
            properties.put("agent-hub.providers.vertex.base-url", simulator.url());
            properties.put("agent-hub.providers.vertex.access-token", ProviderSimulator.KEY);
            if (!isSet(context.getValue("agent-hub.providers.vertex.project"))) {
                properties.put("agent-hub.providers.vertex.project", "simulated");
            }
        }
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    private static boolean isFalse(ConfigValue value) {
        return value != null && "false".equalsIgnoreCase(value.getValue());
    }
}
