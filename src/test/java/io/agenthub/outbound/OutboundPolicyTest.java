package io.agenthub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.ScriptedServer;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * A member's MCP configuration decides which URLs the hub fetches: the MCP server, and whatever
 * its metadata names. The tests allow 127.0.0.1 (where their fakes listen) and nothing else, so a
 * listener on 127.0.0.2 stands for every internal service a tenant must not reach.
 */
@QuarkusTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
class OutboundPolicyTest {

    private static final String UNDISCOVERABLE = "Agent Hub could not discover how to authorize with 127.0.0.1: its OAuth "
            + "metadata is unreachable, missing or invalid.";

    private Api member;

    @BeforeEach
    void signIn() {
        member = Api.signIn(Tokens.unique("member"), Tokens.unique("outbound-org"), "member");
    }

    private String configuration(String url) {
        return member.request().body(Map.of("scope", "personal", "name", Tokens.unique("p"), "transport", "http", "url", url,
                "authType", "oauth2")).post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
    }

    private ValidatableResponse authorize(String configId) {
        return member.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then()
                .contentType("application/problem+json");
    }

    @Test
    void internalAddressesAreRefusedBeforeAnyConnection() throws Exception {
        try (var internal = new ScriptedServer.Listener("127.0.0.2")) {
            int port = URI.create(internal.origin()).getPort();
            Map<String, String> refused = Map.of(
                    internal.origin() + "/mcp", "a loopback address",
                    "http://[::ffff:127.0.0.2]:" + port + "/mcp", "a loopback address",
                    "http://169.254.169.254/latest/meta-data/", "a link-local address",
                    "https://10.20.30.40/mcp", "a private address",
                    "https://172.16.5.4/mcp", "a private address",
                    "https://192.168.1.1/mcp", "a private address",
                    "https://100.64.0.1/mcp", "a carrier-grade NAT address",
                    "https://0.0.0.0:" + port + "/mcp", "an unspecified address",
                    "https://[fd12:3456::1]/mcp", "a unique-local address",
                    "https://[fe80::1]/mcp", "a link-local address");
            for (var entry : refused.entrySet()) {
                authorize(configuration(entry.getKey())).statusCode(422).body("code", equalTo("outbound_refused"))
                        .body("detail", containsString("resolves to " + entry.getValue()));
            }
            // public, but plain http: refused without being resolved or reached
            authorize(configuration("http://93.184.216.34/mcp")).statusCode(422).body("code", equalTo("outbound_refused"))
                    .body("detail", containsString("only https"));
            authorize(configuration("https://user:secret@127.0.0.1/mcp")).statusCode(422)
                    .body("detail", containsString("credentials"));
            assertThat(internal.connections).as("connections to the internal listener").hasValue(0);
        }
    }

    @Test
    void urlsThatDiscoveryFindsFollowTheSamePolicy() throws Exception {
        try (var internal = new ScriptedServer.Listener("127.0.0.2"); var mcp = new ScriptedServer("127.0.0.1")) {
            // the 401 names resource metadata on an internal address
            mcp.on("/mcp", ex -> {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer resource_metadata=\"" + internal.origin() + "/prm\"");
                ScriptedServer.send(ex, 401, "application/json", "{}");
            });
            authorize(configuration(mcp.origin() + "/mcp")).statusCode(422).body("code", equalTo("outbound_refused"))
                    .body("detail", containsString("the protected resource metadata"));

            // the resource metadata names an internal authorization server
            mcp.on("/mcp", ex -> ScriptedServer.send(ex, 401, "application/json", "{}"));
            mcp.json("/.well-known/oauth-protected-resource/mcp", 200, Map.of("resource", mcp.origin() + "/mcp",
                    "authorization_servers", List.of(internal.origin())));
            authorize(configuration(mcp.origin() + "/mcp")).statusCode(422)
                    .body("detail", containsString("the authorization server metadata"));

            // the authorization server's metadata names an internal token endpoint: refused at the callback
            String issuer = mcp.origin();
            mcp.json("/.well-known/oauth-protected-resource/mcp", 200, Map.of("resource", mcp.origin() + "/mcp",
                    "authorization_servers", List.of(issuer)));
            mcp.json("/.well-known/oauth-authorization-server", 200, Map.of("issuer", issuer,
                    "authorization_endpoint", issuer + "/authorize", "token_endpoint", internal.origin() + "/token",
                    "registration_endpoint", issuer + "/register", "code_challenge_methods_supported", List.of("S256")));
            mcp.json("/register", 201, Map.of("client_id", "registered-client"));
            String configId = configuration(mcp.origin() + "/mcp");
            String authorizationUrl = member.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then()
                    .statusCode(200).extract().path("authorizationUrl");
            String state = authorizationUrl.replaceAll(".*[?&]state=([^&]+).*", "$1");
            member.request().queryParam("state", state).queryParam("code", "any-code").get("/api/oauth/callback").then()
                    .statusCode(422).body("code", equalTo("outbound_refused")).body("detail", containsString("the token endpoint"));
            assertThat(internal.connections).as("connections to the internal listener").hasValue(0);
        }
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        try (var internal = new ScriptedServer("127.0.0.2"); var mcp = new ScriptedServer("127.0.0.1")) {
            internal.json("/prm", 200, Map.of("resource", mcp.origin() + "/mcp", "authorization_servers", List.of(mcp.origin())));
            mcp.on("/mcp", ex -> {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer resource_metadata=\"" + mcp.origin() + "/prm\"");
                ScriptedServer.send(ex, 401, "application/json", "{}");
            });
            mcp.on("/prm", ex -> {
                ex.getResponseHeaders().set("Location", internal.origin() + "/prm");
                ScriptedServer.send(ex, 302, "text/plain", "");
            });
            authorize(configuration(mcp.origin() + "/mcp")).statusCode(502).body("detail", equalTo(UNDISCOVERABLE));
            assertThat(internal.requests).as("requests to the redirect's target").hasValue(0);
        }
    }

    @Test
    void answersAreCappedAndBoundedByOneDeadline() throws Exception {
        try (var mcp = new ScriptedServer("127.0.0.1")) {
            mcp.on("/mcp", ex -> ScriptedServer.send(ex, 401, "application/json", "{}"));
            // a megabyte of metadata, announced
            mcp.on("/.well-known/oauth-protected-resource/mcp", ex -> ScriptedServer.send(ex, 200, "application/json",
                    "{\"resource\":\"" + " ".repeat(1 << 20) + "\"}"));
            authorize(configuration(mcp.origin() + "/mcp")).statusCode(502).body("detail", equalTo(UNDISCOVERABLE));

            // endless metadata, chunked so no length announces it
            mcp.on("/.well-known/oauth-protected-resource/mcp", ex -> {
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 0; i < 4096; i++) {
                        out.write(" ".repeat(1024).getBytes());
                    }
                } catch (java.io.IOException closedByTheHub) {
                    // the hub hung up once over its cap
                }
            });
            authorize(configuration(mcp.origin() + "/mcp")).statusCode(502).body("detail", equalTo(UNDISCOVERABLE));

            // a byte every 200 ms: never idle, never done; the deadline (4 s in tests) ends it
            mcp.on("/.well-known/oauth-protected-resource/mcp", ex -> {
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 0; i < 100; i++) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (java.io.IOException | InterruptedException closedByTheHub) {
                    // the deadline passed
                }
            });
            long start = System.nanoTime();
            authorize(configuration(mcp.origin() + "/mcp")).statusCode(502).body("detail", equalTo(UNDISCOVERABLE));
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the trickling server was given up")
                    .isLessThan(9_000);
        }
    }

    @Test
    void aRefusalAndAnUnreachableHostReadAlike() throws Exception {
        try (var mcp = new ScriptedServer("127.0.0.1")) {
            mcp.on("/mcp", ex -> ScriptedServer.send(ex, 403, "application/json", "{}"));
            mcp.on("/.well-known/oauth-protected-resource/mcp", ex -> ScriptedServer.send(ex, 403, "application/json", "{}"));
            mcp.on("/.well-known/oauth-protected-resource", ex -> ScriptedServer.send(ex, 403, "application/json", "{}"));
            String answered = authorize(configuration(mcp.origin() + "/mcp")).statusCode(502).extract().path("detail");
            String unreachable = authorize(configuration("http://127.0.0.1:1/mcp")).statusCode(502).extract().path("detail");
            assertThat(answered).isEqualTo(unreachable).isEqualTo(UNDISCOVERABLE);
        }
    }
}
