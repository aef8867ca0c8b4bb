package io.agenthub.tenancy;

import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The production default: organisations are registered by platform admins, not created by whoever signs in. */
@QuarkusTest
@TestProfile(UnregisteredOrganisationTest.NoAutoCreate.class)
class UnregisteredOrganisationTest {

    public static class NoAutoCreate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agent-hub.tenancy.auto-create-organizations", "false");
        }
    }

    @Test
    void unknownOrganisationIsForbiddenUntilRegistered() {
        String org = Tokens.unique("unregistered");
        Api stranger = new Api(Tokens.unique("user"), org, Tokens.token("stranger-" + org, org, "owner"));
        stranger.request().get("/api/me").then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("Your organisation is not registered with Agent Hub."));
        stranger.request().get("/api/users").then().statusCode(403);
        Api noOrg = new Api("no-org", null, Tokens.withClaims(Tokens.unique("no-org"), Map.of("roles", java.util.List.of("owner"))));
        noOrg.request().get("/api/me").then().statusCode(403);

        // a configured platform admin bootstraps their own organisation, then registers others
        Api platform = new Api("platform-admin", "platform", Tokens.token("platform-admin", "platform", "owner"));
        platform.request().get("/api/me").then().statusCode(200);
        platform.request().body(Map.of("name", "Registered", "slug", org, "externalId", org)).post("/api/admin/organizations")
                .then().statusCode(201);
        stranger.request().get("/api/me").then().statusCode(200).body("user.role", equalTo("owner"))
                .body("organization.externalId", equalTo(org));
    }
}
