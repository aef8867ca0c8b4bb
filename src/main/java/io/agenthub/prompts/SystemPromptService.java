package io.agenthub.prompts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.prompts.SystemPromptRequests.CreateSystemPromptRequest;
import io.agenthub.prompts.SystemPromptRequests.UpdateSystemPromptRequest;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Role;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Keyset;
import io.agenthub.web.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class SystemPromptService {

    /** What a caller may see: global prompts, their organisation's, their own. */
    private static final String VISIBLE = "(scope = 'global' or (scope = 'organization' and organizationId = :org) "
            + "or (scope = 'user' and userId = :user))";

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final SystemPromptRepository prompts;
    private final AuditTrail audit;

    public SystemPromptService(TenantTransactions transactions, CurrentCaller current, SystemPromptRepository prompts,
            AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.prompts = prompts;
        this.audit = audit;
    }

    public Uni<Page<SystemPromptView>> list(String scope, int limit, Cursor cursor) {
        Caller caller = current.get();
        Keyset keyset = Keyset.oldestFirst(VISIBLE, Parameters.with("org", caller.organizationId()).and("user", caller.userId()));
        if (scope != null) {
            keyset.and("scope = :scope", "scope", scope);
        }
        return transactions.inTransaction(() -> keyset.page(prompts, cursor, limit, p -> p.createdAt, p -> p.id, SystemPromptView::of));
    }

    public Uni<SystemPromptView> get(UUID id) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> find(caller, id).map(SystemPromptView::of));
    }

    public Uni<SystemPromptView> create(CreateSystemPromptRequest request) {
        Caller caller = current.get();
        requireWrite(caller, request.scope());
        SystemPrompt prompt = new SystemPrompt();
        prompt.scope = request.scope();
        prompt.organizationId = request.scope().equals("global") ? null : caller.organizationId();
        prompt.userId = request.scope().equals("user") ? caller.userId() : null;
        prompt.name = request.name();
        prompt.content = request.content();
        prompt.priority = request.priority() == null ? 100 : request.priority();
        prompt.enabled = request.enabled() == null || request.enabled();
        prompt.createdBy = caller.userId();
        return transactions.inTransaction(() -> prompts.persistAndFlush(prompt)
                .chain(() -> record(caller, "system_prompt.create", prompt, Map.of("scope", prompt.scope, "name", prompt.name)))
                .replaceWith(() -> SystemPromptView.of(prompt)));
    }

    public Uni<SystemPromptView> update(UUID id, UpdateSystemPromptRequest request) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> find(caller, id).chain(prompt -> {
            requireWrite(caller, prompt.scope);
            Map<String, Object> changes = new LinkedHashMap<>();
            if (request.name() != null && !request.name().equals(prompt.name)) {
                changes.put("name", Map.of("from", prompt.name, "to", request.name()));
                prompt.name = request.name();
            }
            if (request.content() != null && !request.content().equals(prompt.content)) {
                changes.put("content", Map.of("length", request.content().length()));
                prompt.content = request.content();
            }
            if (request.priority() != null && request.priority() != prompt.priority) {
                changes.put("priority", Map.of("from", prompt.priority, "to", request.priority()));
                prompt.priority = request.priority();
            }
            if (request.enabled() != null && request.enabled() != prompt.enabled) {
                changes.put("enabled", Map.of("to", request.enabled()));
                prompt.enabled = request.enabled();
            }
            if (changes.isEmpty()) {
                return Uni.createFrom().item(SystemPromptView.of(prompt));
            }
            return prompts.flush()
                    .chain(() -> record(caller, "system_prompt.update", prompt, changes))
                    .replaceWith(() -> SystemPromptView.of(prompt));
        }));
    }

    public Uni<Void> delete(UUID id) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> find(caller, id).chain(prompt -> {
            requireWrite(caller, prompt.scope);
            return prompts.delete(prompt)
                    .chain(() -> record(caller, "system_prompt.delete", prompt, Map.of("scope", prompt.scope, "name", prompt.name)));
        }));
    }

    /** The caller's enabled prompts in the order they are sent to a model (global, organisation, user; by priority). */
    public Uni<List<EffectivePrompt>> effective() {
        return transactions.inTransaction(this::effectiveInTransaction);
    }

    /** Same as {@link #effective()}, joining a transaction the caller already holds. */
    public Uni<List<EffectivePrompt>> effectiveInTransaction() {
        return Sql.rows(r -> new EffectivePrompt((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], ((Number) r[4]).intValue()),
                "SELECT id, scope, name, content, priority FROM get_effective_system_prompts()");
    }

    private Uni<SystemPrompt> find(Caller caller, UUID id) {
        return prompts.find("id = :id and " + VISIBLE,
                Parameters.with("id", id).and("org", caller.organizationId()).and("user", caller.userId()))
                .firstResult()
                .onItem().ifNull().failWith(() -> ApiException.notFound("System prompt"));
    }

    private static void requireWrite(Caller caller, String scope) {
        // a user's own prompt needs no more: viewers never get this far (CallerAugmentor)
        if (scope.equals("global")) {
            caller.requirePlatformAdmin();
        } else if (scope.equals("organization")) {
            caller.requireRole(Role.ADMIN);
        }
    }

    private Uni<Void> record(Caller caller, String action, SystemPrompt prompt, Map<String, ?> details) {
        return prompt.scope.equals("global")
                ? audit.recordAdmin(caller.userId(), caller.organizationId(), action, "system_prompt", prompt.id, details)
                : audit.record(action, "system_prompt", prompt.id, details);
    }
}
