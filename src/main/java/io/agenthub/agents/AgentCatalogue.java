package io.agenthub.agents;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.SqlRow;
import io.agenthub.web.ApiException;
import io.smallrye.mutiny.Uni;

/**
 * The agents and models as chat uses them: looked up by name for a new session, the fallback of an
 * open breaker, and this replica's copy of the agents and models that chat turns use. A turn's first statement reads
 * the row versions ({@code xmin}) of its agent and model along with everything else, so the copy
 * is checked against the database on every turn at no extra round trip, and a changed row (an
 * admin's update on any replica) is read again in the same transaction: never stale, and read
 * only when it changed.
 */
@ApplicationScoped
public class AgentCatalogue {

    private record Versioned<T>(String version, T row) {
    }

    private final Map<UUID, Versioned<Agent>> agents = new ConcurrentHashMap<>();
    private final Map<UUID, Versioned<Model>> models = new ConcurrentHashMap<>();
    private final AgentRepository agentRows;
    private final ModelRepository modelRows;

    public AgentCatalogue(AgentRepository agentRows, ModelRepository modelRows) {
        this.agentRows = agentRows;
        this.modelRows = modelRows;
    }

    /** An agent and model a chat may use, inside the caller's transaction; unknown or disabled is a 422. */
    public Uni<Target> usable(String agentName, String modelName) {
        return agentRows.find("name", agentName).firstResult().chain(agent -> {
            if (agent == null || !agent.enabled) {
                throw ApiException.unprocessable("Unknown or disabled agent '" + agentName + "'.");
            }
            return modelRows.find("agentId = ?1 and name = ?2", agent.id, modelName).firstResult().map(model -> {
                if (model == null || !model.enabled) {
                    throw ApiException.unprocessable("Unknown or disabled model '" + modelName + "' for agent '" + agentName + "'.");
                }
                return new Target(agent, model);
            });
        });
    }

    /**
     * Where an open breaker sends the agent's calls: its fallback model, when one is set and it and
     * its agent are enabled; null otherwise.
     */
    public Uni<Target> fallbackFor(Agent agent) {
        if (agent.fallbackModelId == null) {
            return Uni.createFrom().nullItem();
        }
        return modelRows.findById(agent.fallbackModelId).chain(model -> model == null || !model.enabled
                ? Uni.createFrom().<Target> nullItem()
                : agentRows.findById(model.agentId).map(a -> a == null || !a.enabled ? null : new Target(a, model)));
    }

    /** The agent named so, in the caller's transaction; unknown (or disabled, unless included) is a 404. */
    public Uni<Agent> named(String name, boolean includeDisabled) {
        return agentRows.find("name", name).firstResult().map(a -> {
            if (a == null || (!a.enabled && !includeDisabled)) {
                throw ApiException.notFound("Agent");
            }
            return a;
        });
    }


    /** The agent and model at the versions given ({@code xmin::text} of their rows), from this replica's copy or, when it is older, the database. */
    public Uni<Target> target(UUID agentId, String agentVersion, UUID modelId, String modelVersion) {
        Versioned<Agent> agent = agents.get(agentId);
        Versioned<Model> model = models.get(modelId);
        if (agent != null && model != null && agent.version().equals(agentVersion) && model.version().equals(modelVersion)) {
            return Uni.createFrom().item(new Target(agent.row(), model.row()));
        }
        return Sql.record(this::remember, """
                SELECT a.id AS agent_id, a.xmin::text AS agent_version, a.name AS agent_name, a.type, a.display_name AS agent_display_name,
                       a.description, a.config, a.enabled AS agent_enabled, a.request_timeout_ms, a.first_token_timeout_ms,
                       a.stream_idle_timeout_ms, a.max_retries, a.max_concurrent_calls, a.breaker_failure_threshold,
                       a.breaker_open_ms, a.fallback_model_id,
                       m.id AS model_id, m.agent_id AS model_agent_id, m.xmin::text AS model_version, m.name AS model_name, m.provider_model_id,
                       m.display_name AS model_display_name, m.context_window, m.max_output_tokens, m.enabled AS model_enabled
                FROM agents a, models m WHERE a.id = $1 AND m.id = $2""", agentId, modelId);
    }

    private Target remember(SqlRow r) {
        Agent a = new Agent();
        a.id = r.uuid("agent_id");
        a.name = r.text("agent_name");
        a.type = r.text("type");
        a.displayName = r.text("agent_display_name");
        a.description = r.text("description");
        a.config = r.json("config");
        a.enabled = r.bool("agent_enabled");
        a.requestTimeoutMs = r.integer("request_timeout_ms");
        a.firstTokenTimeoutMs = r.integer("first_token_timeout_ms");
        a.streamIdleTimeoutMs = r.integer("stream_idle_timeout_ms");
        a.maxRetries = r.integer("max_retries");
        a.maxConcurrentCalls = r.integer("max_concurrent_calls");
        a.breakerFailureThreshold = r.integer("breaker_failure_threshold");
        a.breakerOpenMs = r.integer("breaker_open_ms");
        a.fallbackModelId = r.uuid("fallback_model_id");
        Model m = new Model();
        m.id = r.uuid("model_id");
        m.agentId = r.uuid("model_agent_id");
        m.name = r.text("model_name");
        m.providerModelId = r.text("provider_model_id");
        m.displayName = r.text("model_display_name");
        m.contextWindow = r.integer("context_window");
        m.maxOutputTokens = r.integer("max_output_tokens");
        m.enabled = r.bool("model_enabled");
        agents.put(a.id, new Versioned<>(r.text("agent_version"), a));
        models.put(m.id, new Versioned<>(r.text("model_version"), m));
        return new Target(a, m);
    }
}
