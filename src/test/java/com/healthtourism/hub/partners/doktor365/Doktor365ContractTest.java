package com.healthtourism.hub.partners.doktor365;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.healthtourism.hub.local.Doktor365Sandbox;

/**
 * The sandbox answers as the contract says: every request here (each operation, and each failure mode the sandbox
 * offers) and its answer validate against src/main/resources/partners/doktor365/openapi.yaml.
 */
class Doktor365ContractTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final OpenApiInteractionValidator CONTRACT = OpenApiInteractionValidator
            .createForSpecificationUrl(Doktor365ContractTest.class.getResource("/partners/doktor365/openapi.yaml").toString())
            .build();
    private static Doktor365Sandbox sandbox;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Doktor365Sandbox.start();
        var answer = send("POST", "/oauth/token", null,
                "grant_type=client_credentials&client_id=hub&client_secret=s3cret", "application/x-www-form-urlencoded");
        token = new ObjectMapper().readTree(answer.body()).get("access_token").asText();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static Stream<Arguments> interactions() {
        var json = "application/json";
        var form = "application/x-www-form-urlencoded";
        return Stream.of(
                Arguments.of("POST", "/oauth/token", false, "grant_type=client_credentials&client_id=hub&client_secret=x", form, 200),
                Arguments.of("POST", "/oauth/token", false, "grant_type=client_credentials&client_id=short-lived&client_secret=x", form, 200),
                Arguments.of("POST", "/oauth/token", false, "grant_type=client_credentials&client_id=hub&client_secret=wrong", form, 401),
                Arguments.of("GET", "/v1/patients/p-1001", true, null, null, 200),
                Arguments.of("GET", "/v1/patients/p-missing", true, null, null, 404),
                Arguments.of("GET", "/v1/patients/p-1001", false, null, null, 401),
                Arguments.of("GET", "/v1/cases/c-1001", true, null, null, 200),
                Arguments.of("GET", "/v1/cases?updated_since=2025-02-01T00:00:00Z", true, null, null, 200),
                Arguments.of("GET", "/v1/cases?updated_since=2025-02-01T00:00:00Z&cursor=page-2", true, null, null, 200),
                Arguments.of("PUT", "/v1/cases/c-1001/status", true, "{\"status\":\"docs\"}", json, 200),
                Arguments.of("PATCH", "/v1/cases/c-1001/status", true, "{\"status\":\"travel\"}", json, 200),
                Arguments.of("GET", "/v1/cases/c-1001/notes", true, null, null, 200),
                Arguments.of("POST", "/v1/cases/c-1001/notes", true, "{\"body\":\"Flight booked.\"}", json, 201),
                Arguments.of("GET", "/v1/cases/c-1001/appointments", true, null, null, 200),
                Arguments.of("GET", "/v1/appointments/a-1", true, null, null, 200),
                Arguments.of("GET", "/v1/cases/c-unavailable", true, null, null, 503),
                Arguments.of("GET", "/v1/cases/c-busy", true, null, null, 429));
    }

    @ParameterizedTest(name = "{0} {1} answers {5} as the contract says")
    @MethodSource("interactions")
    void theSandboxAnswersAsTheContractSays(String method, String pathAndQuery, boolean authorized, String body,
                                             String contentType, int status) throws Exception {
        var answer = send(method, pathAndQuery, authorized ? token : null, body, contentType);

        assertThat(answer.statusCode()).isEqualTo(status);
        var uri = URI.create(pathAndQuery);
        var request = new SimpleRequest.Builder(Request.Method.valueOf(method), uri.getPath());
        if (uri.getQuery() != null) {
            for (var pair : uri.getQuery().split("&")) {
                var parts = pair.split("=", 2);
                request.withQueryParam(parts[0], parts[1]);
            }
        }
        if (authorized) {
            request.withAuthorization("Bearer " + token);
        }
        if (body != null) {
            request.withContentType(contentType).withBody(body);
        }
        var response = SimpleResponse.Builder.status(answer.statusCode())
                .withContentType(answer.headers().firstValue("Content-Type").orElse(null))
                .withBody(answer.body());
        answer.headers().firstValue("Retry-After").ifPresent(value -> response.withHeader("Retry-After", value));
        var report = CONTRACT.validate(request.build(), response.build());
        var errors = report.getMessages().stream()
                .filter(message -> message.getLevel() == com.atlassian.oai.validator.report.ValidationReport.Level.ERROR)
                // the security check of a call made without a token on purpose is what this interaction shows
                .filter(message -> authorized || !message.getKey().startsWith("validation.request.security"))
                .toList();
        assertThat(errors).as(answer.body()).isEqualTo(List.of());
        if (status == 429) {
            assertThat(answer.headers().firstValue("Retry-After")).contains("1");
        }
    }

    private static HttpResponse<String> send(String method, String pathAndQuery, String bearer, String body,
                                             String contentType) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + pathAndQuery)).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
