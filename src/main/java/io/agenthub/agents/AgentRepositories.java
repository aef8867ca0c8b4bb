package io.agenthub.agents;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

public final class AgentRepositories {

    private AgentRepositories() {
    }

    @ApplicationScoped
    public static class AgentRepository implements PanacheRepositoryBase<Agent, UUID> {
    }

    @ApplicationScoped
    public static class ModelRepository implements PanacheRepositoryBase<Model, UUID> {
    }
}
