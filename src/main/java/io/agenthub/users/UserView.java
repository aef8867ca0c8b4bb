package io.agenthub.users;

import java.time.Instant;
import java.util.UUID;

public record UserView(UUID id, String subject, String email, String displayName, String role, boolean active,
        Boolean platformAdmin, Instant lastLoginAt, Instant createdAt) {

    static UserView of(User user, Boolean platformAdmin) {
        return new UserView(user.id, user.oidcSubject, user.email, user.displayName, user.role, user.active, platformAdmin,
                user.lastLoginAt, user.createdAt);
    }
}
