package io.agenthub.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.agenthub.dev.EmbeddedPostgres;

/**
 * Debian's PgBouncer in transaction-pooling mode in front of a PostgreSQL, the way deployments put
 * it between their replicas and the database: the one this Debian has (1.18) or the next
 * release's (1.24, which keeps prepared statements). Runs as an unprivileged user (it refuses root).
 */
public final class PgBouncer {

    private final int port;
    private final Process process;

    private PgBouncer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Which PgBouncer: what deployments run today. */
    public enum Kind {
        /** Debian 12's 1.18: transaction pooling without prepared statements. */
        WITHOUT_PREPARED_STATEMENTS,
        /** Debian 13's 1.24, with {@code max_prepared_statements}: prepared statements kept across pooled connections. */
        WITH_PREPARED_STATEMENTS
    }

    /** Pools {@code database} of the server on {@code serverPort} for {@code user}, at most {@code poolSize} server connections. */
    public static PgBouncer start(Kind kind, int serverPort, String database, String user, String password, int poolSize) {
        try {
            List<String> program;
            Map<String, String> environment = new HashMap<>();
            if (kind == Kind.WITHOUT_PREPARED_STATEMENTS) {
                program = List.of(DebianTools.unpack("pgbouncer", "usr/sbin/pgbouncer", "pgbouncer", "libc-ares2", "libevent-2.1-7")
                        .toString());
                environment.put("LD_LIBRARY_PATH", DebianTools.libraries("pgbouncer").toString());
            } else {
                program = DebianTools.fromRelease("pgbouncer-trixie", "trixie", "usr/sbin/pgbouncer", "pgbouncer", "libc6",
                        "libcares2", "libevent-2.1-7t64", "libssl3t64", "libpam0g", "libsystemd0", "libcap2", "libaudit1",
                        "libcap-ng0");
            }
            Path dir = Files.createTempDirectory("agent-hub-pgbouncer-");
            dir.toFile().setReadable(true, false);
            dir.toFile().setExecutable(true, false);
            int port = freePort();
            Files.writeString(dir.resolve("users.txt"), "\"" + user + "\" \"" + password + "\"\n");
            Files.writeString(dir.resolve("pgbouncer.ini"), """
                    [databases]
                    %s = host=127.0.0.1 port=%d dbname=%s
                    [pgbouncer]
                    listen_addr = 127.0.0.1
                    listen_port = %d
                    unix_socket_dir =
                    auth_type = scram-sha-256
                    auth_file = %s
                    pool_mode = transaction
                    default_pool_size = %d
                    max_client_conn = 500
                    ignore_startup_parameters = extra_float_digits,options
                    %s
                    """.formatted(database, serverPort, database, port, dir.resolve("users.txt"), poolSize,
                    kind == Kind.WITH_PREPARED_STATEMENTS ? "max_prepared_statements = 200" : ""));
            for (Path file : new Path[] {dir.resolve("users.txt"), dir.resolve("pgbouncer.ini")}) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
            List<String> command = new ArrayList<>(program);
            command.add(dir.resolve("pgbouncer.ini").toString());
            ProcessBuilder builder = new ProcessBuilder(EmbeddedPostgres.unprivileged(command.toArray(String[]::new)))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pgbouncer.log").toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!accepts(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroy();
                    throw new IllegalStateException("PgBouncer did not start: " + Files.readString(dir.resolve("pgbouncer.log")));
                }
                Thread.sleep(50);
            }
            return new PgBouncer(port, process);
        } catch (IOException e) {
            throw new IllegalStateException("could not start PgBouncer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Stops it, closing its server connections. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
