package io.agenthub.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Requests of two organisations interleaved on a three-connection pool: every connection serves
 * both tenants in turn, and no response carries the other tenant's rows.
 */
@QuarkusTest
class ConcurrentTenantsTest {

    @Test
    void concurrentRequestsOfTwoOrganisationsNeverSeeEachOther() throws Exception {
        Api a = Api.signIn(Tokens.unique("a"), Tokens.unique("conc-a"), "owner");
        Api b = Api.signIn(Tokens.unique("b"), Tokens.unique("conc-b"), "owner");
        for (Api api : List.of(a, b)) {
            for (int i = 0; i < 3; i++) {
                api.request().body(Map.of("scope", i == 0 ? "personal" : "organization", "name", api.org() + "-" + i,
                        "transport", "stdio", "command", "run")).post("/api/mcp/configurations").then().statusCode(201);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String[]>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Api api = i % 2 == 0 ? a : b;
                String path = switch (i % 3) {
                    case 0 -> "/api/mcp/configurations?limit=100";
                    case 1 -> "/api/users";
                    default -> "/api/me";
                };
                results.add(pool.submit(() -> new String[] {api.org(),
                        api.request().get(path).then().statusCode(200).extract().asString(), path}));
            }
            for (Future<String[]> result : results) {
                String[] r = result.get();
                Api mine = r[0].equals(a.org()) ? a : b;
                Api other = mine == a ? b : a;
                // every response names its own tenant (the users list by subject) and never the other
                assertThat(r[1]).as(r[2]).contains(r[2].startsWith("/api/users") ? mine.subject() : mine.org())
                        .doesNotContain(other.org()).doesNotContain(other.subject());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
