package io.agenthub.mcp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Role;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Keyset;
import io.agenthub.web.Page;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class McpConfigurationService {

    /** The audit entry of a new URL that resets what was discovered, registered and connected for the old one. */
    private static final String OAUTH_RESET = "oauth";

    /** What a caller may see: the organisation's shared configurations and their own personal ones. */
    private static final String VISIBLE = "organizationId = :org and (userId is null or userId = :user)";

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final McpConfigurationRepository configurations;
    private final AuditTrail audit;
    private final McpCredentials credentials;

    public McpConfigurationService(TenantTransactions transactions, CurrentCaller current,
            McpConfigurationRepository configurations, AuditTrail audit, McpCredentials credentials) {
        this.transactions = transactions;
        this.current = current;
        this.configurations = configurations;
        this.audit = audit;
        this.credentials = credentials;
    }

    public Uni<Page<McpConfigurationView>> list(String scope, int limit, Cursor cursor) {
        Caller caller = current.get();
        Keyset keyset = Keyset.oldestFirst(VISIBLE, Parameters.with("org", caller.organizationId()).and("user", caller.userId()));
        if ("organization".equals(scope)) {
            keyset.and("userId is null");
        } else if ("personal".equals(scope)) {
            keyset.and("userId is not null");
        }
        return transactions.inTransaction(() -> keyset.page(configurations, cursor, limit, c -> c.createdAt, c -> c.id,
                McpConfigurationView::of));
    }

    public Uni<McpConfigurationView> get(UUID id) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> find(caller, id).map(McpConfigurationView::of));
    }

    /** For other rooms (OAuth): a configuration the current caller may use, inside their transaction. */
    public Uni<McpConfiguration> findVisible(UUID id) {
        return find(current.get(), id);
    }

    public Uni<McpConfigurationView> create(McpConfigurationRequest request) {
        Caller caller = current.get();
        List<String> missing = new ArrayList<>();
        if (request.scope() == null) {
            missing.add("scope");
        }
        if (request.name() == null) {
            missing.add("name");
        }
        if (request.transport() == null) {
            missing.add("transport");
        }
        if (!missing.isEmpty()) {
            throw ApiException.invalidField(missing.get(0), "must not be null");
        }
        boolean personal = request.scope().equals("personal");
        if (!personal) {
            caller.requireRole(Role.ADMIN);
        }
        McpConfiguration config = new McpConfiguration();
        config.organizationId = caller.organizationId();
        config.userId = personal ? caller.userId() : null;
        config.name = request.name();
        config.transport = request.transport();
        config.authType = "none";
        config.args = new String[0];
        config.env = Map.of();
        config.headers = Map.of();
        config.oauthExtraParams = Map.of();
        config.enabled = true;
        config.createdBy = caller.userId();
        apply(config, request, new LinkedHashMap<>());
        validate(config);
        Map<String, Object> secret = new LinkedHashMap<>();
        return transactions.inTransaction(() -> nameTaken(config)
                .chain(() -> clientSecret(config, request, secret))
                .chain(() -> configurations.persistAndFlush(config))
                .chain(() -> audit.record("mcp_configuration.create", "mcp_configuration", config.id, summary(config)))
                .replaceWith(() -> McpConfigurationView.of(config)));
    }

    public Uni<McpConfigurationView> update(UUID id, McpConfigurationRequest request) {
        Caller caller = current.get();
        if (request.scope() != null) {
            throw ApiException.invalidField("scope", "cannot be changed; create a new configuration instead");
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        return transactions.inTransaction(() -> find(caller, id).chain(config -> {
            requireWrite(caller, config);
            String oldName = config.name;
            apply(config, request, changes);
            validate(config);
            if (changes.isEmpty() && (request.oauth() == null || request.oauth().clientSecret() == null)) {
                return Uni.createFrom().item(McpConfigurationView.of(config));
            }
            Uni<Void> unique = oldName.equals(config.name) ? Uni.createFrom().voidItem() : nameTaken(config);
            return unique.chain(() -> clientSecret(config, request, changes)).chain(() -> configurations.flush())
                    .chain(() -> audit.record("mcp_configuration.update", "mcp_configuration", config.id, changes))
                    .replaceWith(() -> McpConfigurationView.of(config));
        })).call(view -> changes.containsKey(OAUTH_RESET) ? forgetConnections(id) : Uni.createFrom().voidItem());
    }

    /**
     * Every user's tokens for a configuration that now points at another server: they were issued
     * for the old one. As the system, since an organisation's configuration has connections of
     * users other than the administrator changing it.
     */
    private Uni<Void> forgetConnections(UUID id) {
        return transactions.asSystem(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                "DELETE FROM mcp_oauth_tokens WHERE mcp_configuration_id = :id").setParameter("id", id).executeUpdate()))
                .replaceWithVoid();
    }

    public Uni<Void> delete(UUID id) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> find(caller, id).chain(config -> {
            requireWrite(caller, config);
            return configurations.delete(config)
                    .chain(() -> audit.record("mcp_configuration.delete", "mcp_configuration", config.id, summary(config)));
        }));
    }

    /** Enabled configurations with personal ones overriding the organisation's by name (the effective view). */
    public Uni<Page<McpConfigurationView>> effective(int limit, Cursor cursor) {
        return transactions.inTransaction(() -> effectiveInTransaction(limit, cursor))
                .map(rows -> Page.of(rows, limit, c -> new Cursor(c.createdAt, c.id), McpConfigurationView::of));
    }

    /** The whole effective set, for export and for agents, inside the caller's transaction. */
    public Uni<List<McpConfiguration>> effectiveInTransaction() {
        return effectiveInTransaction(10_000, null);
    }

    private Uni<List<McpConfiguration>> effectiveInTransaction(int limit, Cursor cursor) {
        Caller caller = current.get();
        String sql = "SELECT id FROM effective_mcp_configurations WHERE organization_id = :org"
                + (cursor == null ? "" : " AND (created_at, id) > (:at, :id)") + " ORDER BY created_at, id LIMIT :limit";
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, UUID.class)
                    .setParameter("org", caller.organizationId())
                    .setParameter("limit", limit + 1);
            if (cursor != null) {
                query.setParameter("at", cursor.at()).setParameter("id", cursor.id());
            }
            return query.getResultList();
        }).chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<McpConfiguration>of())
                : configurations.list("id in ?1", ids).map(rows -> {
                    Map<UUID, McpConfiguration> byId = new LinkedHashMap<>();
                    rows.forEach(r -> byId.put(r.id, r));
                    return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
                }));
    }

    private Uni<McpConfiguration> find(Caller caller, UUID id) {
        return configurations.find("id = :id and " + VISIBLE,
                Parameters.with("id", id).and("org", caller.organizationId()).and("user", caller.userId()))
                .firstResult()
                .onItem().ifNull().failWith(() -> ApiException.notFound("MCP configuration"));
    }

    private Uni<Void> nameTaken(McpConfiguration config) {
        Uni<Long> count = config.userId == null
                ? configurations.count("organizationId = ?1 and userId is null and name = ?2", config.organizationId, config.name)
                : configurations.count("userId = ?1 and name = ?2", config.userId, config.name);
        return count.invoke(n -> {
            if (n > 0) {
                throw ApiException.conflict("An MCP configuration named '" + config.name + "' already exists in this scope.");
            }
        }).replaceWithVoid();
    }

    private static void requireWrite(Caller caller, McpConfiguration config) {
        if (!config.isPersonal()) {
            caller.requireRole(Role.ADMIN);
        }
    }

    /** Copies the given fields; {@code changes} collects a secret-free summary for the audit row. */
    private void apply(McpConfiguration c, McpConfigurationRequest r, Map<String, Object> changes) {
        set(r.name(), c.name, v -> c.name = v, "name", changes, v -> v);
        set(r.description(), c.description, v -> c.description = v, "description", changes, v -> "changed");
        set(r.transport(), c.transport, v -> c.transport = v, "transport", changes, v -> v);
        if (r.url() != null && !r.url().equals(c.url)) {
            c.url = r.url();
            changes.put("url", r.url());
            if (c.oauthAuthorizationEndpoint != null || c.oauthClientId != null || c.oauthResource != null) {
                // another server: what was discovered and registered for the old one does not apply
                c.oauthIssuer = null;
                c.oauthAuthorizationEndpoint = null;
                c.oauthTokenEndpoint = null;
                c.oauthRevocationEndpoint = null;
                c.oauthRegistrationEndpoint = null;
                c.oauthResource = null;
                c.oauthClientId = null;
                c.oauthClientSource = null;
                c.oauthClientIssuer = null;
                forgetClient(c);
                changes.put(OAUTH_RESET, "discovery, registration and connections reset");
            }
        }
        set(r.command(), c.command, v -> c.command = v, "command", changes, v -> v);
        if (r.args() != null && !r.args().equals(List.of(c.args))) {
            c.args = r.args().toArray(String[]::new);
            changes.put("args", r.args().size() + " arguments");
        }
        // values may be credentials (API keys, bearer headers): kept sealed, shown masked, exported as placeholders
        if (r.env() != null) {
            c.env = credentials.seal(r.env());
            changes.put("env", r.env().keySet());
        }
        if (r.headers() != null) {
            c.headers = credentials.seal(r.headers());
            changes.put("headers", r.headers().keySet());
        }
        set(r.authType(), c.authType, v -> c.authType = v, "authType", changes, v -> v);
        set(r.enabled(), c.enabled, v -> c.enabled = v, "enabled", changes, v -> v);
        McpConfigurationRequest.OAuthSettings o = r.oauth();
        if (o != null) {
            if (o.clientId() != null && !Objects.equals(o.clientId().orElse(null), c.oauthClientId)) {
                forgetClient(c);
                c.oauthClientId = o.clientId().orElse(null);
                // an administrator's client, chosen before Agent Hub's own ways of being one
                c.oauthClientSource = c.oauthClientId == null ? null : "pre_registered";
                changes.put("oauth.clientId", c.oauthClientId == null ? "cleared" : c.oauthClientId);
            }
            set(o.scopes(), c.oauthScopes, v -> c.oauthScopes = v, "oauth.scopes", changes, v -> v);
            set(o.issuer(), c.oauthIssuer, v -> c.oauthIssuer = v, "oauth.issuer", changes, v -> v);
            set(o.authorizationEndpoint(), c.oauthAuthorizationEndpoint, v -> c.oauthAuthorizationEndpoint = v,
                    "oauth.authorizationEndpoint", changes, v -> v);
            set(o.tokenEndpoint(), c.oauthTokenEndpoint, v -> c.oauthTokenEndpoint = v, "oauth.tokenEndpoint", changes,
                    v -> v);
            set(o.revocationEndpoint(), c.oauthRevocationEndpoint, v -> c.oauthRevocationEndpoint = v,
                    "oauth.revocationEndpoint", changes, v -> v);
            set(o.registrationEndpoint(), c.oauthRegistrationEndpoint, v -> c.oauthRegistrationEndpoint = v,
                    "oauth.registrationEndpoint", changes, v -> v);
            set(o.resource(), c.oauthResource, v -> c.oauthResource = v, "oauth.resource", changes, v -> v);
            set(o.extraParams(), c.oauthExtraParams, v -> c.oauthExtraParams = v, "oauth.extraParams", changes, v -> v.keySet());
            // tokens were issued by the server and to the client configured before: none of them applies now
            if (ISSUING.stream().anyMatch(changes::containsKey)) {
                if (changes.containsKey("oauth.issuer") || changes.containsKey("oauth.clientId")) {
                    c.oauthClientIssuer = null;
                }
                changes.put(OAUTH_RESET, "connections reset: the authorization server or the client changed");
            }
        }
    }

    private static final List<String> ISSUING = List.of("oauth.clientId", "oauth.issuer", "oauth.authorizationEndpoint",
            "oauth.tokenEndpoint", "oauth.revocationEndpoint", "oauth.resource");

    /** A pre-registered client's secret given with the request, sealed as tokens are, or cleared. */
    private Uni<Void> clientSecret(McpConfiguration c, McpConfigurationRequest r, Map<String, Object> changes) {
        if (r.oauth() == null || r.oauth().clientSecret() == null) {
            return Uni.createFrom().voidItem();
        }
        if (r.oauth().clientSecret().isEmpty()) {
            forgetClient(c);
            changes.put("oauth.clientSecret", "cleared");
            return Uni.createFrom().voidItem();
        }
        return credentials.seal(r.oauth().clientSecret().get()).invoke(sealed -> {
            c.oauthClientSecretEncrypted = sealed.ciphertext();
            c.oauthKeyId = sealed.keyId();
            changes.put("oauth.clientSecret", "set");
        }).replaceWithVoid();
    }

    private static void forgetClient(McpConfiguration c) {
        c.oauthClientSecretEncrypted = null;
        c.oauthKeyId = null;
    }

    private static <T> void set(T value, T old, java.util.function.Consumer<T> setter, String field, Map<String, Object> changes,
            Function<T, Object> summary) {
        if (value != null && !value.equals(old)) {
            setter.accept(value);
            changes.put(field, summary.apply(value));
        }
    }

    private static void validate(McpConfiguration c) {
        if (c.transport.equals("stdio") && c.command == null) {
            throw ApiException.invalidField("command", "is required for the stdio transport");
        }
        if (!c.transport.equals("stdio") && c.url == null) {
            throw ApiException.invalidField("url", "is required for the " + c.transport + " transport");
        }
        if (c.authType.equals("oauth2") && c.transport.equals("stdio")) {
            throw ApiException.invalidField("authType", "oauth2 needs the http or sse transport");
        }
    }

    private static Map<String, Object> summary(McpConfiguration c) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", c.name);
        summary.put("scope", c.isPersonal() ? "personal" : "organization");
        summary.put("transport", c.transport);
        summary.put("authType", c.authType);
        return summary;
    }

    static Comparator<McpConfiguration> byName() {
        return Comparator.comparing(c -> c.name);
    }
}
