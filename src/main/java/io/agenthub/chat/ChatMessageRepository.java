package io.agenthub.chat;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
class ChatMessageRepository implements PanacheRepositoryBase<ChatMessage, UUID> {
}
