package io.agenthub.chat;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

final class ChatRepositories {

    private ChatRepositories() {
    }

    @ApplicationScoped
    static class ChatSessionRepository implements PanacheRepositoryBase<ChatSession, UUID> {
    }

    @ApplicationScoped
    static class ChatMessageRepository implements PanacheRepositoryBase<ChatMessage, UUID> {
    }
}
