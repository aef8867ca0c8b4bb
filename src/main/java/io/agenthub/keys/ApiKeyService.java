package io.agenthub.keys;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Role;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.users.UserService;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Keyset;
import io.agenthub.web.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** Users' API keys: made (shown once), listed and revoked; administrators list and revoke their members'. */
@ApplicationScoped
public class ApiKeyService {

    // created with the bean at run time: a seeded generator must never be frozen into a native image
    private final SecureRandom random = new SecureRandom();
    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final ApiKeyRepository keys;
    private final AuditTrail audit;
    private final UserService users;

    public ApiKeyService(TenantTransactions transactions, CurrentCaller current, ApiKeyRepository keys, AuditTrail audit,
            UserService users) {
        this.transactions = transactions;
        this.current = current;
        this.keys = keys;
        this.audit = audit;
        this.users = users;
    }

    public Uni<CreatedApiKey> create(CreateApiKeyRequest request) {
        Caller caller = current.get();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String key = ApiKeys.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ApiKey row = new ApiKey();
        row.organizationId = caller.organizationId();
        row.userId = caller.userId();
        row.name = request.name().strip();
        row.prefix = key.substring(0, 12);
        row.keyDigest = ApiKeys.digest(key);
        row.expiresAt = request.expiresAt();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", row.name);
        details.put("prefix", row.prefix);
        details.put("expiresAt", row.expiresAt == null ? null : row.expiresAt.toString());
        return transactions.inTransaction(() -> keys.persistAndFlush(row)
                .chain(() -> audit.record("api_key.create", "api_key", row.id, details))
                .replaceWith(() -> new CreatedApiKey(ApiKeyView.of(row), key)));
    }

    /** The caller's keys, or (for an administrator) those of a member of their organisation. */
    public Uni<Page<ApiKeyView>> list(UUID userId, int limit, Cursor cursor) {
        Caller caller = current.get();
        UUID owner = userId == null ? caller.userId() : userId;
        // another organisation's user is not found (before any role is asked for, so nothing is learnt of it), and
        // row-level security keeps the list in the caller's organisation whatever the id
        return member(caller, owner).chain(() -> transactions.inTransaction(() -> Keyset.newestFirst("userId = :user",
                Parameters.with("user", owner)).page(keys, cursor, limit, k -> k.createdAt, k -> k.id, ApiKeyView::of)));
    }

    /** Revokes a key at once, on every replica (each request reads its key); revoking twice is no error. */
    public Uni<Void> revoke(UUID userId, UUID keyId) {
        Caller caller = current.get();
        UUID owner = userId == null ? caller.userId() : userId;
        return member(caller, owner).chain(() -> transactions.inTransaction(() -> keys.findOwnedBy(owner, keyId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("API key"))
                .chain(key -> {
                    if (key.revokedAt != null) {
                        return Uni.createFrom().voidItem();
                    }
                    key.revokedAt = Instant.now();
                    return keys.flush().chain(() -> audit.record("api_key.revoke", "api_key", key.id,
                            Map.of("prefix", key.prefix, "userId", key.userId.toString(), "byOwner", key.userId.equals(caller.userId()))));
                })));
    }

    /**
     * Another user's keys are their administrators' business: that user must be of the caller's
     * organisation (404 otherwise), and the caller an administrator (403).
     */
    private Uni<Void> member(Caller caller, UUID userId) {
        return userId.equals(caller.userId()) ? Uni.createFrom().voidItem()
                : users.get(userId).invoke(() -> caller.requireRole(Role.ADMIN)).replaceWithVoid();
    }

}
