package io.agenthub.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server whose answers a test scripts path by path, for servers that misbehave in one
 * precise way (a redirect, an endless answer, metadata for another issuer). Also a bare listener
 * that only counts who connected, to prove the hub never reached an address.
 */
public final class ScriptedServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    public final AtomicInteger requests = new AtomicInteger();

    public ScriptedServer(String address) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            HttpHandler handler = routes.get(exchange.getRequestURI().getPath());
            if (handler == null) {
                send(exchange, 404, "application/json", "{}");
            } else {
                handler.handle(exchange);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** Answers {@code path} with {@code handler}. */
    public ScriptedServer on(String path, HttpHandler handler) {
        routes.put(path, handler);
        return this;
    }

    /** Answers {@code path} with a JSON document. */
    public ScriptedServer json(String path, int status, Object body) {
        return on(path, exchange -> send(exchange, status, "application/json", JSON.writeValueAsString(body)));
    }

    public String origin() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Accepts connections on {@code address} and counts them; answers nothing. */
    public static final class Listener implements AutoCloseable {

        private final ServerSocket socket;
        public final AtomicInteger connections = new AtomicInteger();

        public Listener(String address) {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getByName(address));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread accept = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "listener-" + address);
            accept.setDaemon(true);
            accept.start();
        }

        public String origin() {
            return "http://" + socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
