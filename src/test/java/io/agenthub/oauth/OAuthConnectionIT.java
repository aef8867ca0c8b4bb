package io.agenthub.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.PackagedServices;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * An MCP server connected through OAuth by the packaged application: discovery, dynamic
 * registration, PKCE, the token stored encrypted with pgcrypto and handed out decrypted, revocation.
 */
@QuarkusIntegrationTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(PackagedServices.class)
class OAuthConnectionIT {

    @InjectFake
    FakeOAuthServers fake;

    @Test
    void aUserConnectsUsesAndDisconnectsAnOAuthProtectedServer() throws Exception {
        Api user = Api.signIn(Tokens.unique("it-oauth"), Tokens.unique("it-oauth-org"), "owner");
        String configId = OAuthFlowTest.connect(user, fake);
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("connected", equalTo(true)).body("status", equalTo("active"));
        String header = user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200)
                .extract().path("mcpServers.find { it.value.url == '" + fake.mcpUrl + "' }.value.headers.Authorization");
        assertThat(header).startsWith("Bearer fake-access-");
        OAuthFlowTest.assertNoPlaintextTokens();

        int revokedBefore = fake.revoked().size();
        user.request().delete("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(204);
        assertThat(fake.revoked().size() - revokedBefore).as("access and refresh token revoked upstream").isEqualTo(2);
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("connected", equalTo(false)).body("status", equalTo("not_connected"));
    }

    /** The package serves HTTPS and its client metadata document, which the server fetches and accepts. */
    @Test
    void aServerThatAcceptsClientMetadataDocumentsFetchesThePackagesOverTls() {
        fake.reset();
        fake.offersRegistration = false;
        fake.acceptsMetadataDocuments = true;
        try {
            Api user = Api.signIn(Tokens.unique("it-cimd"), Tokens.unique("it-cimd-org"), "owner");
            String configId = OAuthFlowTest.oauthConfiguration(user, fake.mcpUrl);
            String url = OAuthFlowTest.authorize(user, configId);
            OAuthFlowTest.callback(user, OAuthFlowTest.state(url), fake.approve(url)).then().statusCode(200)
                    .body("connected", equalTo(true)).body("clientMechanism", equalTo("client_metadata_document"));
            assertThat(fake.documentsFetched).singleElement()
                    .satisfies(d -> assertThat(d.get("client_id")).isEqualTo("https://localhost:" + fake.httpsPort()
                            + ClientMetadataDocument.PATH));
        } finally {
            fake.reset();
        }
    }
}
