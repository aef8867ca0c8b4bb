package io.agenthub.testing;

import static io.restassured.RestAssured.given;

/** Values of the service's own Prometheus exposition. */
public final class Scrape {

    private Scrape() {
    }

    /**
     * The sum of every sample of {@code series}: a name, optionally with the start of its label set
     * as the exposition writes it ({@code x_total{reason="expired"}}, {@code x_count{agent="droid"}).
     */
    public static double sum(String series) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        int brace = series.indexOf('{');
        String name = brace < 0 ? series : series.substring(0, brace);
        String labels = brace < 0 ? "" : series.substring(brace + 1).replaceAll("}$", "");
        return scrape.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> labels.isEmpty() || l.contains(labels))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
