package io.agenthub.tenancy;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Organisation roles, strongest first. Viewers read; members act for themselves; admins and owners run the organisation. */
public enum Role {
    OWNER(Roles.OWNER), ADMIN(Roles.ADMIN), MEMBER(Roles.MEMBER), VIEWER(Roles.VIEWER);

    private final String value;

    Role(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** This role and every weaker one, as identity roles. */
    public Set<String> withWeaker() {
        Set<String> roles = new HashSet<>();
        for (Role role : values()) {
            if (atLeast(role)) {
                roles.add(role.value);
            }
        }
        return roles;
    }

    public boolean atLeast(Role other) {
        return ordinal() <= other.ordinal();
    }

    public static Role of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The strongest known role among token roles, or {@code fallback}. */
    public static Role strongest(Collection<String> names, Role fallback) {
        Role best = null;
        for (String name : names) {
            for (Role role : values()) {
                if (role.value().equalsIgnoreCase(name) && (best == null || role.atLeast(best))) {
                    best = role;
                }
            }
        }
        return best == null ? fallback : best;
    }
}
