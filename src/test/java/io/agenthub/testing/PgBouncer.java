package io.agenthub.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.agenthub.dev.EmbeddedPostgres;

/**
 * Debian's PgBouncer in transaction-pooling mode in front of a PostgreSQL, the way deployments put
 * it between their replicas and the database. Runs as an unprivileged user (it refuses root) and
 * stops with the test JVM.
 */
public final class PgBouncer {

    private final int port;

    private PgBouncer(int port) {
        this.port = port;
    }

    /** Pools {@code database} of the server on {@code serverPort} for {@code user}, at most {@code poolSize} server connections. */
    public static PgBouncer start(int serverPort, String database, String user, String password, int poolSize) {
        try {
            Path program = DebianTools.unpack("pgbouncer", "usr/sbin/pgbouncer", "pgbouncer", "libc-ares2", "libevent-2.1-7");
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
                    """.formatted(database, serverPort, database, port, dir.resolve("users.txt"), poolSize));
            for (Path file : new Path[] {dir.resolve("users.txt"), dir.resolve("pgbouncer.ini")}) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
            ProcessBuilder builder = new ProcessBuilder(EmbeddedPostgres.unprivileged(program.toString(),
                    dir.resolve("pgbouncer.ini").toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pgbouncer.log").toFile());
            builder.environment().put("LD_LIBRARY_PATH", DebianTools.libraries("pgbouncer").toString());
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
            return new PgBouncer(port);
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
