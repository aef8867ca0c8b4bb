package io.agenthub.agents;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class AgentRepository implements PanacheRepositoryBase<Agent, UUID> {
}
