package io.agenthub.users;

import io.agenthub.organizations.OrganizationView;

public record MeView(UserView user, OrganizationView organization) {
}
