package io.agenthub.keys;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

    /** A key of {@code userId}'s, or null. */
    public Uni<ApiKey> findOwnedBy(UUID userId, UUID keyId) {
        return find("id = ?1 and userId = ?2", keyId, userId).firstResult();
    }
}
