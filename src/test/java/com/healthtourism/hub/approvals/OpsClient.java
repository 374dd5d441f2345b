package com.healthtourism.hub.approvals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.healthtourism.hub.webhooks.WebhookClient;
import com.healthtourism.hub.webhooks.WebhookClient.Answer;

/** The approvals ops API as an operator calls it: HTTP Basic as the ops or admin user, JSON in and out. */
public final class OpsClient {

    public static final String OPS = "test-ops";
    public static final String ADMIN = "test-admin";
    private static final Map<String, String> PASSWORDS = Map.of(OPS, "test-ops-password", ADMIN, "test-admin-password");

    private final WebhookClient hub;
    private final String login;

    public OpsClient(int port, String user) {
        this.hub = new WebhookClient(port);
        this.login = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + PASSWORDS.get(user)).getBytes(StandardCharsets.UTF_8));
    }

    public Answer get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Answer head(String path) {
        return send("HEAD", path, null, Map.of());
    }

    public Answer post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    public Answer post(String path, Object body, Map<String, String> headers) {
        return send("POST", path, body, headers);
    }

    private Answer send(String method, String path, Object body, Map<String, String> headers) {
        var withLogin = new HashMap<>(headers);
        withLogin.put("Authorization", login);
        return hub.call(method, path, body, withLogin);
    }
}
