package io.agenthub.pooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Tokens;
import io.restassured.response.Response;

/**
 * The packaged application behind PgBouncer in transaction mode: many client connections share
 * three server connections, so no statement may rely on a server session outliving its
 * transaction, except through a feature of the pooler the configuration names.
 */
abstract class PooledRequests {

    @Test
    void concurrentMixedRequestsOfFourOrganisationsAllSucceedAndSeeOnlyTheirOwnRows() throws Exception {
        List<Api> users = new ArrayList<>();
        for (int org = 0; org < 4; org++) {
            String name = Tokens.unique("pooled-org");
            for (int user = 0; user < 2; user++) {
                users.add(Api.signIn(Tokens.unique("pooled"), name, "owner"));
            }
        }
        Map<String, Set<String>> sessionsByOrg = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (Api user : users) {
                work.add(pool.submit(() -> {
                    for (int round = 0; round < 5; round++) {
                        expect(failures, user.request().get("/api/me"), 200);
                        Response created = user.request().body(Map.of("agent", "droid", "model", "gpt-4"))
                                .post("/api/chat/sessions");
                        expect(failures, created, 201);
                        String id = created.path("id");
                        if (id != null) {
                            sessionsByOrg.computeIfAbsent(user.org(), o -> ConcurrentHashMap.newKeySet()).add(id);
                            expect(failures, user.request().body(Map.of("content", "through the pooler"))
                                    .post("/api/chat/sessions/" + id + "/messages"), 200);
                            expect(failures, user.request().get("/api/chat/sessions/" + id + "/messages"), 200);
                        }
                        expect(failures, user.request().get("/api/chat/sessions?limit=100"), 200);
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(failures).as("requests through the pooler that failed").isEmpty();

        for (Api user : users) {
            List<String> listed = user.request().get("/api/chat/sessions?limit=100").then().statusCode(200)
                    .extract().jsonPath().getList("items.id");
            Set<String> ownOrg = sessionsByOrg.get(user.org());
            assertThat(ownOrg).as("sessions listed to %s", user.subject()).containsAll(listed);
        }
        // eight concurrent clients, an application pool of twenty, and the database saw three connections
        try (Connection c = Database.superuser("agent_hub")) {
            assertThat(Database.count(c, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'agent_hub_app'"))
                    .as("server connections of the application role").isBetween(1L, 3L);
        }
    }

    private static void expect(List<String> failures, Response response, int status) {
        if (response.statusCode() != status) {
            failures.add(response.statusCode() + " " + response.asString());
        }
    }
}
