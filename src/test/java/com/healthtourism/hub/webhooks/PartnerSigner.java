package com.healthtourism.hub.webhooks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs deliveries the way each partner does, written from the partners' documentation. */
public final class PartnerSigner {

    private PartnerSigner() {
    }

    /** Stripe-Signature header value. */
    public static String stripe(String secret, long timestamp, String body) {
        var mac = hmac(secret.getBytes(StandardCharsets.UTF_8), timestamp + "." + body);
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac);
    }

    /** webhook-signature header value for a whsec_ secret. */
    public static String standardWebhooks(String secret, String id, long timestamp, String body) {
        var key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + timestamp + "." + body));
    }

    /** X-Hub-Signature-256 header value. */
    public static String hubSignature(String secret, String body) {
        return hubSignature(secret, body.getBytes(StandardCharsets.UTF_8));
    }

    /** X-Hub-Signature-256 header value of a body in any encoding. */
    public static String hubSignature(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** X-IYZ-SIGNATURE-V3 of an iyzico notification: HMAC keyed by the secret over secret + fields. */
    public static String iyzico(String secret, String... fields) {
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), secret + String.join("", fields)));
    }

    private static byte[] hmac(byte[] key, String content) {
        return hmac(key, content.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] content) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
