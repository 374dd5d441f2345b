package com.healthtourism.hub.cases;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.healthtourism.hub.webhooks.WebhookClient;
import com.healthtourism.hub.webhooks.WebhookClient.Answer;

/** A platform service's view of the hub: tenants and keys made by an admin, then calls with a tenant API key. */
public final class TenantApiClient {

    private final WebhookClient admin;

    public TenantApiClient(int port) {
        this.admin = new WebhookClient(port);
    }

    public WebhookClient admin() {
        return admin;
    }

    public UUID tenant() {
        var tenant = admin.admin("POST", "/admin/tenants", Map.of("name", "Clinic", "domain",
                "cases-" + UUID.randomUUID() + ".example.com"));
        if (tenant.status() != 201) {
            throw new IllegalStateException("tenant not created: " + tenant.response().body());
        }
        return UUID.fromString(tenant.body().get("id").asText());
    }

    /** Issues a key through the admin API and returns the key itself. */
    public String key(UUID tenant, boolean pii) {
        var issued = admin.admin("POST", "/admin/tenants/" + tenant + "/api-keys",
                Map.of("name", pii ? "care-team" : "dashboard", "pii", pii));
        if (issued.status() != 201) {
            throw new IllegalStateException("key not issued: " + issued.response().body());
        }
        return issued.body().get("key").asText();
    }

    public Answer get(String key, String path) {
        return send(key, "GET", path, null);
    }

    public Answer post(String key, String path, Object body) {
        return send(key, "POST", path, body);
    }

    public Answer put(String key, String path, Object body) {
        return send(key, "PUT", path, body);
    }

    public Answer move(String key, UUID caseId, String to) {
        return post(key, "/api/cases/" + caseId + "/transitions", Map.of("to", to));
    }

    public Answer send(String key, String method, String path, Object body) {
        return admin.call(method, path, body, key == null ? Map.of() : Map.of("Authorization", "Bearer " + key));
    }

    static List<String> allowedMoves(Answer refused) {
        var moves = new ArrayList<String>();
        refused.body().get("allowed").forEach(move -> moves.add(move.get("to").asText()));
        return moves;
    }
}
