package io.agenthub.tenancy;

import java.util.Collection;
import java.util.Locale;

/** Organisation roles, strongest first. Viewers read; members act for themselves; admins and owners run the organisation. */
public enum Role {
    OWNER, ADMIN, MEMBER, VIEWER;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
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
