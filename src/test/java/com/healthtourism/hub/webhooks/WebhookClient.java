package com.healthtourism.hub.webhooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A partner's view of the hub: configures sources as an admin, then posts signed webhooks. */
public final class WebhookClient {

    public static final String STRIPE_SECRET = "whsec_test_secret";
    public static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public static final String IYZICO_SECRET = "sandbox-UuLnD7wZa0a3DmytfIrwHQqAMfqCNJrs";
    public static final String HMAC_SECRET = "acme-shared-secret";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString("test-admin:test-admin-password".getBytes(StandardCharsets.UTF_8));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public WebhookClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public record Answer(int status, JsonNode body, HttpResponse<String> response) {
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("content-type");
        }
    }

    /** A new tenant with sources stripe, iyzico, doktor365 (Standard Webhooks) and acme (hmac-sha256). */
    public UUID tenantWithSources(Map<String, Object> settings) {
        var tenant = admin("POST", "/admin/tenants", Map.of("name", "Clinic", "domain",
                "clinic-" + UUID.randomUUID() + ".example.com", "settings", settings));
        if (tenant.status() != 201) {
            throw new IllegalStateException("tenant not created: " + tenant.response().body());
        }
        var id = UUID.fromString(tenant.body().get("id").asText());
        source(id, "stripe", Map.of("secrets", java.util.List.of(STRIPE_SECRET)));
        source(id, "iyzico", Map.of("secrets", java.util.List.of(IYZICO_SECRET)));
        source(id, "doktor365", Map.of("secrets", java.util.List.of(STANDARD_SECRET)));
        source(id, "acme", Map.of("scheme", "hmac-sha256", "secrets", java.util.List.of(HMAC_SECRET)));
        return id;
    }

    public Answer source(UUID tenant, String source, Map<String, Object> settings) {
        return admin("PUT", "/admin/tenants/" + tenant + "/sources/" + source, settings);
    }

    public Answer admin(String method, String path, Object body) {
        return admin(method, path, body, Map.of());
    }

    /** An admin call with extra headers, e.g. X-Idempotency-Key. */
    public Answer admin(String method, String path, Object body, Map<String, String> headers) {
        var withLogin = new HashMap<>(headers);
        withLogin.put("Authorization", ADMIN);
        return call(method, path, body, withLogin);
    }

    /** A JSON call with exactly the given headers (credentials included), e.g. a tenant API key. */
    public Answer call(String method, String path, Object body, Map<String, String> headers) {
        try {
            var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            headers.forEach(request::header);
            return send(request.build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Stripe event posted with a valid signature for now. */
    public Answer stripe(UUID tenant, String body) {
        var t = Instant.now().getEpochSecond();
        return post(tenant, "stripe", body, Map.of("Stripe-Signature", PartnerSigner.stripe(STRIPE_SECRET, t, body)));
    }

    public static String stripeEvent(String eventId, String type) {
        return "{\n  \"id\": \"" + eventId + "\",\n  \"object\": \"event\",\n  \"type\": \"" + type + "\",\n"
                + "  \"data\": {\"object\": {\"id\": \"pi_" + eventId + "\", \"object\": \"payment_intent\","
                + " \"amount\": 120000, \"currency\": \"eur\", \"status\": \"succeeded\"}}\n}";
    }

    public Answer post(UUID tenant, String source, String body, Map<String, String> headers) {
        return post("/webhooks/" + tenant + "/" + source, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public Answer post(String path, String contentType, byte[] body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    private Answer send(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (!response.body().isEmpty() && response.headers().firstValue("content-type").orElse("").contains("json")) {
                body = JSON.readTree(response.body());
            }
            return new Answer(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
