package io.agenthub.tenancy;

public record MeView(UserView user, OrganizationView organization) {
}
