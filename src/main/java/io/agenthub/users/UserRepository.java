package io.agenthub.users;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.tenancy.Sql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    /** An organisation's limit of active users and how many it has. */
    public record Seats(Integer max, long active) {
        public boolean full() {
            return max != null && active >= max;
        }
    }

    /**
     * How many active owners the organisation has besides {@code userId}, their rows locked until
     * the transaction ends: two owners demoting each other at once are counted one after the other,
     * and the second finds the first already gone.
     */
    public Uni<Integer> lockOtherActiveOwners(UUID organizationId, UUID userId) {
        return Sql.rows("SELECT id FROM users WHERE organization_id = $1 AND role = 'owner' AND is_active FOR UPDATE",
                organizationId).map(rows -> (int) rows.stream().filter(r -> !userId.equals(r[0])).count());
    }

    /** The organisation's seats, its row locked until the transaction ends (as a first sign-in locks it). */
    public Uni<Seats> lockSeats(UUID organizationId) {
        return Sql.row("""
                SELECT o.max_users, (SELECT count(*) FROM users u WHERE u.organization_id = o.id AND u.is_active)
                FROM organizations o WHERE o.id = $1 FOR UPDATE OF o""", organizationId)
                .map(row -> new Seats(row[0] == null ? null : ((Number) row[0]).intValue(), ((Number) row[1]).longValue()));
    }
}
