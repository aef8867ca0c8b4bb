package io.agenthub.agents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** The agent catalogue as the API shows and platform admins change it: agents, their models and their live status. */
@ApplicationScoped
public class AgentService {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final AgentRepository agents;
    private final ModelRepository models;
    private final AuditTrail audit;
    private final AgentCatalogue catalogue;

    public AgentService(TenantTransactions transactions, CurrentCaller current, AgentRepository agents, ModelRepository models,
            AuditTrail audit, AgentCatalogue catalogue) {
        this.transactions = transactions;
        this.current = current;
        this.agents = agents;
        this.models = models;
        this.audit = audit;
        this.catalogue = catalogue;
    }

    public Uni<List<AgentView>> list() {
        Caller caller = current.get();
        boolean all = caller.platformAdmin();
        return transactions.inTransaction(() -> agents.listAll(Sort.ascending("name"))
                .chain(list -> models.listAll(Sort.ascending("name")).chain(allModels -> statuses().map(status -> {
                    List<AgentView> views = new ArrayList<>();
                    for (Agent a : list) {
                        if (a.enabled || all) {
                            views.add(view(a, allModels.stream().filter(m -> m.agentId.equals(a.id) && (m.enabled || all)).toList(),
                                    status.get(a.name), fallbackName(a, list, allModels)));
                        }
                    }
                    return views;
                }))));
    }

    /**
     * The model named {@code agent/model}, of another agent: the breaker is per agent, so a model
     * of the same agent would be behind the same open breaker.
     */
    private Uni<Model> fallbackModel(Agent agent, String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            throw ApiException.invalidField("fallbackModel", "must be written agent/model, e.g. ccrouter/gemini-1.5-flash");
        }
        String agentName = name.substring(0, slash);
        if (agentName.equals(agent.name)) {
            throw ApiException.invalidField("fallbackModel", "must belong to another agent: this agent's breaker guards all its models");
        }
        return agents.find("name", agentName).<Agent> firstResult()
                .chain(other -> other == null ? Uni.createFrom().<Model> nullItem()
                        : models.find("agentId = ?1 and name = ?2", other.id, name.substring(slash + 1)).<Model> firstResult())
                .invoke(m -> {
                    if (m == null) {
                        throw ApiException.invalidField("fallbackModel", "is not a known model");
                    }
                });
    }

    public Uni<List<ModelView>> models(String agentName) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> catalogue.named(agentName, caller.platformAdmin())
                .chain(a -> models.list("agentId = ?1 order by name", a.id))
                .map(list -> list.stream().filter(m -> m.enabled || caller.platformAdmin()).map(ModelView::of).toList()));
    }

    public Uni<AgentView> update(String agentName, UpdateAgentRequest r) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> catalogue.named(agentName, true).chain(a -> {
            Map<String, Object> changes = new LinkedHashMap<>();
            if (r.enabled() != null && r.enabled() != a.enabled) {
                changes.put("enabled", r.enabled());
                a.enabled = r.enabled();
            }
            if (r.displayName() != null) {
                a.displayName = r.displayName();
                changes.put("displayName", r.displayName());
            }
            if (r.requestTimeoutMs() != null) {
                a.requestTimeoutMs = r.requestTimeoutMs();
                changes.put("requestTimeoutMs", r.requestTimeoutMs());
            }
            if (r.firstTokenTimeoutMs() != null) {
                a.firstTokenTimeoutMs = r.firstTokenTimeoutMs();
                changes.put("firstTokenTimeoutMs", r.firstTokenTimeoutMs());
            }
            if (r.streamIdleTimeoutMs() != null) {
                a.streamIdleTimeoutMs = r.streamIdleTimeoutMs();
                changes.put("streamIdleTimeoutMs", r.streamIdleTimeoutMs());
            }
            if (r.maxRetries() != null) {
                a.maxRetries = r.maxRetries();
                changes.put("maxRetries", r.maxRetries());
            }
            if (r.maxConcurrentCalls() != null) {
                a.maxConcurrentCalls = r.maxConcurrentCalls();
                changes.put("maxConcurrentCalls", r.maxConcurrentCalls());
            }
            if (r.breakerFailureThreshold() != null) {
                a.breakerFailureThreshold = r.breakerFailureThreshold();
                changes.put("breakerFailureThreshold", r.breakerFailureThreshold());
            }
            if (r.breakerOpenMs() != null) {
                a.breakerOpenMs = r.breakerOpenMs();
                changes.put("breakerOpenMs", r.breakerOpenMs());
            }
            Uni<Void> fallback = Uni.createFrom().voidItem();
            if (r.fallbackModel() != null) {
                fallback = r.fallbackModel().isEmpty()
                        ? Uni.createFrom().voidItem().invoke(() -> a.fallbackModelId = null)
                        : fallbackModel(a, r.fallbackModel()).invoke(m -> a.fallbackModelId = m.id).replaceWithVoid();
                changes.put("fallbackModel", r.fallbackModel());
            }
            return fallback.chain(() -> agents.flush())
                    .chain(() -> audit.recordAdmin(caller.userId(), caller.organizationId(), "agent.update", "agent", a.name, changes))
                    .chain(() -> models.list("agentId = ?1 order by name", a.id))
                    .chain(ms -> agents.listAll().chain(all -> models.listAll().chain(allModels -> statuses()
                            .map(st -> view(a, ms, st.get(a.name), fallbackName(a, all, allModels))))));
        }));
    }

    public Uni<ModelView> addModel(String agentName, ModelRequest r) {
        Caller caller = current.get();
        if (r.name() == null || r.providerModelId() == null) {
            throw ApiException.invalidField(r.name() == null ? "name" : "providerModelId", "must not be null");
        }
        return transactions.inTransaction(() -> catalogue.named(agentName, true).chain(a -> models.count("agentId = ?1 and name = ?2", a.id, r.name())
                .chain(n -> {
                    if (n > 0) {
                        throw ApiException.conflict("Agent '" + agentName + "' already has a model named '" + r.name() + "'.");
                    }
                    Model m = new Model();
                    m.agentId = a.id;
                    m.name = r.name();
                    m.providerModelId = r.providerModelId();
                    m.displayName = r.displayName() == null ? r.name() : r.displayName();
                    m.contextWindow = r.contextWindow() == null ? 8192 : r.contextWindow();
                    m.maxOutputTokens = r.maxOutputTokens() == null ? 4096 : r.maxOutputTokens();
                    m.inputCostPerMtok = r.inputCostPerMtok();
                    m.outputCostPerMtok = r.outputCostPerMtok();
                    m.enabled = r.enabled() == null || r.enabled();
                    return models.persistAndFlush(m)
                            .chain(() -> audit.recordAdmin(caller.userId(), caller.organizationId(), "model.create", "model", m.id,
                                    Map.of("agent", agentName, "name", m.name, "providerModelId", m.providerModelId)))
                            .replaceWith(() -> ModelView.of(m));
                })));
    }

    public Uni<ModelView> updateModel(String agentName, String modelName, ModelRequest r) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> catalogue.named(agentName, true)
                .chain(a -> models.find("agentId = ?1 and name = ?2", a.id, modelName).<Model>firstResult())
                .onItem().ifNull().failWith(() -> ApiException.notFound("Model"))
                .chain((Model m) -> {
                    Map<String, Object> changes = new LinkedHashMap<>();
                    if (r.name() != null && !r.name().equals(m.name)) {
                        throw ApiException.invalidField("name", "cannot be changed; add a new model instead");
                    }
                    if (r.providerModelId() != null) {
                        m.providerModelId = r.providerModelId();
                        changes.put("providerModelId", r.providerModelId());
                    }
                    if (r.displayName() != null) {
                        m.displayName = r.displayName();
                        changes.put("displayName", r.displayName());
                    }
                    if (r.contextWindow() != null) {
                        m.contextWindow = r.contextWindow();
                        changes.put("contextWindow", r.contextWindow());
                    }
                    if (r.maxOutputTokens() != null) {
                        m.maxOutputTokens = r.maxOutputTokens();
                        changes.put("maxOutputTokens", r.maxOutputTokens());
                    }
                    if (r.inputCostPerMtok() != null) {
                        m.inputCostPerMtok = r.inputCostPerMtok();
                    }
                    if (r.outputCostPerMtok() != null) {
                        m.outputCostPerMtok = r.outputCostPerMtok();
                    }
                    if (r.enabled() != null) {
                        m.enabled = r.enabled();
                        changes.put("enabled", r.enabled());
                    }
                    return models.flush()
                            .chain(() -> audit.recordAdmin(caller.userId(), caller.organizationId(), "model.update", "model", m.id, changes))
                            .replaceWith(() -> ModelView.of(m));
                }));
    }

    private Uni<Map<String, StatusView>> statuses() {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT name, health_status, latency_ms, consecutive_failures, last_check_at, last_success_at,
                       breaker_state, breaker_opened_at, breaker_next_attempt_at
                FROM v_agent_status""", Object[].class).getResultList()
                .map(rows -> {
                    Map<String, StatusView> map = new LinkedHashMap<>();
                    for (Object[] r : rows) {
                        map.put((String) r[0], new StatusView((String) r[1], r[2] == null ? null : ((Number) r[2]).intValue(),
                                r[3] == null ? 0 : ((Number) r[3]).intValue(), instant(r[4]), instant(r[5]), (String) r[6],
                                instant(r[7]), instant(r[8])));
                    }
                    return map;
                }));
    }

    private static AgentView view(Agent a, List<Model> ms, StatusView status, String fallbackModel) {
        return new AgentView(a.id, a.name, a.type, a.displayName, a.description, a.provider(), a.enabled,
                ms.stream().map(ModelView::of).toList(), status, fallbackModel);
    }

    /** The agent's fallback as {@code agent/model}, or null. */
    private static String fallbackName(Agent a, List<Agent> allAgents, List<Model> allModels) {
        return allModels.stream().filter(m -> m.id.equals(a.fallbackModelId)).findFirst()
                .flatMap(m -> allAgents.stream().filter(x -> x.id.equals(m.agentId)).findFirst().map(x -> x.name + "/" + m.name))
                .orElse(null);
    }

    private static java.time.Instant instant(Object value) {
        return io.agenthub.web.SqlValues.instant(value);
    }
}
