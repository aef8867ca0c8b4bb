package io.agenthub.agents;

/** Which replica wrote a row (its pod name on Kubernetes), for operators reading shared state. */
final class Replica {

    private Replica() {
    }

    static String name() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "agent-hub" : host;
    }
}
