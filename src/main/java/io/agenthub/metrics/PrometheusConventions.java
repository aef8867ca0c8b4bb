package io.agenthub.metrics;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Brings the meters of libraries (SmallRye Fault Tolerance, the reactive PostgreSQL pool, Netty,
 * the JVM binders) to Prometheus conventions, so the whole exposition passes {@code promtool check
 * metrics}: snake_case names and labels, unit words instead of abbreviations, no {@code _count}
 * suffix outside histograms, and a help text on every family.
 */
@Singleton
public class PrometheusConventions {

    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4";

    private final String metricsPath;

    PrometheusConventions(@ConfigProperty(name = "quarkus.micrometer.export.prometheus.path") String path) {
        this.metricsPath = path;
    }
    /**
     * Meters with no conforming rendering: a long task timer shows as a summary without quantiles,
     * and the JVM's CPU time counts nanoseconds (process_cpu_usage tells the same in a gauge).
     */
    private static final List<String> DROPPED = List.of("http.server.connections", "process.cpu.time");
    /** Names promtool rejects for their suffix, and what they mean. */
    private static final Map<String, String> RENAMED = Map.of("system.cpu.count", "system.cpu.logical.processors");

    @Produces
    @Singleton
    MeterFilter prometheusConventions() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return DROPPED.contains(id.getName()) ? MeterFilterReply.DENY
                        : MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                String name = RENAMED.getOrDefault(id.getName(), id.getName());
                List<Tag> tags = id.getTags().stream().map(t -> Tag.of(snake(t.getKey()), t.getValue())).toList();
                String description = id.getDescription() == null || id.getDescription().isBlank()
                        ? name.replace('.', ' ') : id.getDescription();
                return new Meter.Id(dotted(name), Tags.of(tags), id.getBaseUnit(), description, id.getType());
            }
        };
    }

    /**
     * The scrape answers the Prometheus text format unless a client asks for OpenMetrics by name.
     * Prometheus negotiates the text format anyway; a plain {@code curl} would otherwise get
     * OpenMetrics, whose escapes {@code promtool check metrics} rejects, and which few tools read.
     */
    void textFormatUnlessOpenMetricsIsAsked(@Observes Router router) {
        textFormatUnlessOpenMetricsIsAsked(router, metricsPath);
    }

    /** The same where the scrape is served in production: the management interface. */
    void textFormatUnlessOpenMetricsIsAskedThere(@Observes io.quarkus.vertx.http.ManagementInterface management) {
        textFormatUnlessOpenMetricsIsAsked(management.router(), metricsPath);
    }

    private static void textFormatUnlessOpenMetricsIsAsked(Router router, String metricsPath) {
        router.route(metricsPath).order(Integer.MIN_VALUE + 1).handler(ctx -> {
            String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
            if (accept == null || !accept.contains("openmetrics")) {
                ctx.request().headers().set(HttpHeaders.ACCEPT, TEXT_FORMAT);
            }
            ctx.next();
        });
    }

    /** {@code executionsRunning} becomes {@code executions.running}, which Prometheus renders as executions_running. */
    static String dotted(String name) {
        return CAMEL.matcher(name).replaceAll("$1.$2").toLowerCase();
    }

    static String snake(String key) {
        return CAMEL.matcher(key).replaceAll("$1_$2").toLowerCase();
    }
}
