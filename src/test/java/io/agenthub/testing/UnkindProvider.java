package io.agenthub.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenRouter that fails the way real networks do, on a raw socket so it can: resets a
 * connection (TCP RST) before answering, in the middle of a JSON body or of a stream, or answers in
 * full only after the caller's timeout. One misbehaviour at a time, set by the test.
 */
public final class UnkindProvider implements AutoCloseable {

    public enum Mode {
        /** RST as soon as the request is read. */
        RESET_AT_ONCE,
        /** 200 with a Content-Length, a part of the body, then RST. */
        RESET_MID_BODY,
        /** A stream's headers and first event, then RST. */
        RESET_MID_STREAM,
        /** A complete, correct answer, but only after {@link #lateMs}. */
        LATE_ANSWER,
        /** Answers as soon as the request's head is read, then RST while the body is still coming. */
        ANSWER_EARLY_THEN_RESET,
        /** Each request one of the others in turn, for many calls at once on pooled connections. */
        EACH_IN_TURN
    }

    private static final Mode[] SINGLE = {Mode.RESET_AT_ONCE, Mode.RESET_MID_BODY, Mode.RESET_MID_STREAM, Mode.LATE_ANSWER,
            Mode.ANSWER_EARLY_THEN_RESET};
    private final AtomicInteger turn = new AtomicInteger();

    private static volatile UnkindProvider running;

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    public volatile Mode mode = Mode.RESET_AT_ONCE;
    public volatile long lateMs = 1500;
    public final AtomicInteger requests = new AtomicInteger();

    private UnkindProvider() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    threads.submit(() -> serve(connection));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** The one instance of this JVM, started at first use. */
    public static synchronized UnkindProvider get() {
        if (running == null) {
            try {
                running = new UnkindProvider();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return running;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/api/v1";
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int length = contentLength(head);
                Mode mode = this.mode == Mode.EACH_IN_TURN ? SINGLE[Math.floorMod(turn.getAndIncrement(), SINGLE.length)] : this.mode;
                if (mode == Mode.ANSWER_EARLY_THEN_RESET) {
                    requests.incrementAndGet();
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    reset(connection);
                    return;
                }
                in.readNBytes(length);
                requests.incrementAndGet();
                boolean stream = head.toLowerCase(Locale.ROOT).contains("accept: text/event-stream");
                switch (mode) {
                    case RESET_AT_ONCE -> {
                        reset(connection);
                        return;
                    }
                    case RESET_MID_BODY -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                                + "{\"id\":\"gen-x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hal")
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        pause(50);
                        reset(connection);
                        return;
                    }
                    case RESET_MID_STREAM -> {
                        String event = "data: {\"id\":\"gen-x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hal\"}}]}\n\n";
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + (stream ? "text/event-stream" : "application/json")
                                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(event.length()) + "\r\n" + event + "\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        pause(50);
                        reset(connection);
                        return;
                    }
                    case LATE_ANSWER -> {
                        pause(lateMs);
                        String body = stream ? "data: {\"id\":\"gen-x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"late\"},\"finish_reason\":\"stop\"}],"
                                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n"
                                : "{\"id\":\"gen-x\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\","
                                + "\"content\":\"late\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}";
                        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + (stream ? "text/event-stream" : "application/json")
                                + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                        out.write(bytes);
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            // the hub hung up first: what a timeout looks like from here
        }
    }

    private static void reset(Socket connection) throws IOException {
        connection.setSoLinger(true, 0);
        connection.close();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
