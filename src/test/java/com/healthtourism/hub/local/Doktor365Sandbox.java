package com.healthtourism.hub.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

/**
 * The Doktor365 sandbox: a WireMock server that answers as partners/doktor365/openapi.yaml says, from the files in
 * src/test/resources/sandboxes/doktor365 (mappings + __files). Failure modes come on demand: by id in the files (case
 * c-unavailable answers 503, c-busy 429 with Retry-After 1, c-slow after 15 s; client id short-lived gets 2-second
 * tokens, client secret wrong is refused, token expired-token is answered 401), or per test with the methods here,
 * which stub on top of the files (priority 1) until {@link #reset()}.
 */
public final class Doktor365Sandbox implements AutoCloseable {

    private static final String ERROR = "{\"error\":\"%s\",\"message\":\"%s\"}";

    private final WireMockServer server;

    private Doktor365Sandbox(WireMockServer server) {
        this.server = server;
    }

    public static Doktor365Sandbox start() {
        var server = new WireMockServer(options().dynamicPort().usingFilesUnderClasspath("sandboxes/doktor365"));
        server.start();
        return new Doktor365Sandbox(server);
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public WireMockServer server() {
        return server;
    }

    /** Back to the files' behaviour, with an empty request journal. */
    public void reset() {
        server.resetToDefaultMappings();
        server.resetRequests();
        server.resetScenarios();
        server.setGlobalFixedDelay(0);
    }

    /** Doktor365 answers 401 to this token, as it does when a token expired before the hub's cache let go of it. */
    public void expire(String token) {
        server.stubFor(apiCall().withHeader("Authorization", equalTo("Bearer " + token)).atPriority(1)
                .willReturn(error(401, "invalid_token", "the access token expired")));
    }

    /** Every API call answers this status (e.g. 503: Doktor365 is down). */
    public void down(int status) {
        server.stubFor(apiCall().atPriority(1).willReturn(error(status, "unavailable", "Doktor365 is unavailable")));
    }

    /** The next {@code times} API calls answer 429 with Retry-After; the ones after answer normally. */
    public void rateLimited(int times, int retryAfterSeconds) {
        var scenario = "rate-limited";
        for (int i = 0; i < times; i++) {
            server.stubFor(apiCall().atPriority(1).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "limited-" + i)
                    .willSetStateTo("limited-" + (i + 1))
                    .willReturn(error(429, "rate_limited", "too many requests")
                            .withHeader("Retry-After", String.valueOf(retryAfterSeconds))));
        }
    }

    /** Every answer comes after this many milliseconds. */
    public void slow(int millis) {
        server.setGlobalFixedDelay(millis);
    }

    private static MappingBuilder apiCall() {
        return any(urlPathMatching("/v1/.*"));
    }

    private static ResponseDefinitionBuilder error(int status, String code,
                                                   String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(ERROR.formatted(code, message));
    }

    @Override
    public void close() {
        server.stop();
    }
}
