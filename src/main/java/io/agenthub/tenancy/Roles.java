package io.agenthub.tenancy;

/**
 * The roles a request's security identity carries, for {@code @RolesAllowed}: the caller's
 * organisation role and every weaker one (an admin is also a member and a viewer), and
 * {@link #PLATFORM_ADMIN} for platform administrators. They come from the database on every
 * request ({@link CallerAugmentor}), never from the token, so a role changed or revoked in Agent Hub
 * counts at once.
 */
public final class Roles {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    public static final String VIEWER = "viewer";
    public static final String PLATFORM_ADMIN = "platform-admin";

    private Roles() {
    }
}
