package io.agenthub.prompts;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SystemPromptRepository implements PanacheRepositoryBase<SystemPrompt, UUID> {
}
