package io.agenthub.testing;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every API operation the running service documents in {@code /q/openapi}, so that a test over
 * "every endpoint" covers one added later without anyone remembering to list it.
 */
public final class Operations {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    private Operations() {
    }

    public record Operation(String method, String template) {

        public boolean write() {
            return !method.equals("GET");
        }

        public List<String> parameters() {
            List<String> names = new ArrayList<>();
            Matcher m = PARAMETER.matcher(template);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        /** The path with each {parameter} replaced. */
        public String path(Function<String, String> values) {
            Matcher m = PARAMETER.matcher(template);
            StringBuilder path = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(path, Matcher.quoteReplacement(values.apply(m.group(1))));
            }
            return m.appendTail(path).toString();
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Operation> api() {
        Map<String, Object> document = given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().as(Map.class);
        List<Operation> operations = new ArrayList<>();
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((template, item) -> {
            if (template.startsWith("/api/")) {
                item.keySet().stream().filter(METHODS::contains).sorted()
                        .forEach(method -> operations.add(new Operation(method.toUpperCase(Locale.ROOT), template)));
            }
        });
        if (operations.size() < 40) {
            throw new IllegalStateException("only " + operations.size() + " operations documented; is the OpenAPI document complete?");
        }
        return operations;
    }
}
