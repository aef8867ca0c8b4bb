import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open-loop load at a fixed rate: POSTs BODY every 1/RATE s, round-robin over the targets, for
 * SECONDS after as many seconds of warm-up at the same rate. Latency runs from the moment a request
 * was due, not from when it left, so a stall delays every request behind it in the figures too (no
 * coordinated omission). Prints "rate p50 p90 p99 max errors" in ms.
 *
 * usage: java FixedRate.java RATE SECONDS WARMUP_SECONDS BODY TARGETS_FILE
 * where each line of TARGETS_FILE is "URL TOKEN" (TOKEN "-" for none).
 */
public class FixedRate {

    record Target(URI uri, String token) {
    }

    public static void main(String[] args) throws Exception {
        double rate = Double.parseDouble(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        String body = args[3];
        List<Target> targets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[4]))) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split("\\s+");
                targets.add(new Target(URI.create(parts[0]), parts[1]));
            }
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).connectTimeout(Duration.ofSeconds(5)).build();
        long period = (long) (1_000_000_000L / rate);
        int warmupCount = (int) (warmup * rate);
        int total = warmupCount + (int) (seconds * rate);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + 100_000_000L;
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Target target = targets.get(i % targets.size());
            HttpRequest.Builder request = HttpRequest.newBuilder(target.uri()).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (!target.token().equals("-")) {
                request.header("Authorization", "Bearer " + target.token());
            }
            boolean measured = i >= warmupCount;
            client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                long latency = System.nanoTime() - due;
                if (measured) {
                    if (failure != null || response.statusCode() / 100 != 2) {
                        errors.incrementAndGet();
                    }
                    latencies.add(latency);
                }
                done.countDown();
            });
        }
        long sent = System.nanoTime();
        done.await(60, TimeUnit.SECONDS);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double achieved = (total - warmupCount) / ((sent - start - warmupCount * period) / 1e9);
        System.out.printf("%.0f %.2f %.2f %.2f %.2f %d%n", achieved, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, errors.get() + (sorted.length < total - warmupCount ? total - warmupCount - sorted.length : 0));
        System.exit(0);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
