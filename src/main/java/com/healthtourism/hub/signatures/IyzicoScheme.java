package com.healthtourism.hub.signatures;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * iyzico: {@code X-IYZ-SIGNATURE-V3} is hex HMAC-SHA256, keyed by the merchant secret key, over a string
 * that itself starts with the secret key followed by body fields (iyzico's webhook documentation):
 * <ul>
 *   <li>hosted page / checkout form (the body has a {@code token}):
 *       {@code secretKey + iyziEventType + iyziPaymentId + token + paymentConversationId + status}</li>
 *   <li>direct API payments: {@code secretKey + iyziEventType + paymentId + paymentConversationId + status}
 *       ({@code iyziPaymentId} when {@code paymentId} is absent)</li>
 * </ul>
 * There is no timestamp, so {@code tolerance} and {@code now} are ignored. Subscription notifications are
 * not covered.
 */
public final class IyzicoScheme implements SignatureScheme {

    public static final String NAME = "iyzico";
    static final String HEADER = "x-iyz-signature-v3";
    private static final int SIGNATURE_BYTES = 32;

    private final Hmac hmac = new Hmac();
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verification verify(SignedRequest request, List<String> secrets, Duration tolerance, Instant now) {
        String header = request.header(HEADER);
        if (header == null || header.isBlank()) {
            return Verification.MISSING_SIGNATURE;
        }
        String value = header.strip();
        byte[] signature = Hmac.unhex(value, 0, value.length());
        if (signature == null || signature.length != SIGNATURE_BYTES) {
            return Verification.BAD_SIGNATURE;
        }
        JsonNode body = request.body() != null ? request.body() : parse(request.rawBody());
        if (body == null || !body.isObject()) {
            return Verification.BAD_SIGNATURE;
        }
        byte[] fields = Hmac.utf8(signedFields(body));
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            byte[] key = Hmac.utf8(secret);
            var mac = hmac.keyed(key);
            mac.update(key);
            if (Hmac.constantTimeEquals(mac.doFinal(fields), signature)) {
                return Verification.VALID;
            }
        }
        return Verification.BAD_SIGNATURE;
    }

    /** The {@code X-IYZ-SIGNATURE-V3} value iyzico would send for {@code body}, for tests and benches. */
    public static String signature(String secretKey, JsonNode body) {
        byte[] key = Hmac.utf8(secretKey);
        var mac = Hmac.freshKeyed(key);
        mac.update(key);
        return Hmac.hex(mac.doFinal(Hmac.utf8(signedFields(body))));
    }

    /** The signed string after the secret key, chosen by the notification's form. */
    public static String signedFields(JsonNode body) {
        String token = text(body, "token");
        if (!token.isEmpty()) {
            return text(body, "iyziEventType") + signedPaymentId(body) + token
                    + text(body, "paymentConversationId") + text(body, "status");
        }
        return text(body, "iyziEventType") + signedPaymentId(body) + text(body, "paymentConversationId")
                + text(body, "status");
    }

    /**
     * The payment id the signature covers: {@code iyziPaymentId} in the hosted-page form (with a token), else
     * {@code paymentId}, or {@code iyziPaymentId} when that is absent. Whatever names the payment (the event's
     * identity, its subject) must use this one: the other field is not signed. Empty when there is none.
     */
    public static String signedPaymentId(JsonNode body) {
        if (body == null) {
            return "";
        }
        if (!text(body, "token").isEmpty()) {
            return text(body, "iyziPaymentId");
        }
        String paymentId = text(body, "paymentId");
        return paymentId.isEmpty() ? text(body, "iyziPaymentId") : paymentId;
    }

    /** A field as PHP's string concatenation would render it: absent or null is empty, numbers in decimal. */
    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node == null || node.isNull() || node.isContainerNode() ? "" : node.asText();
    }

    private JsonNode parse(byte[] rawBody) {
        if (rawBody.length == 0) {
            return null;
        }
        try {
            return json.readTree(rawBody);
        } catch (IOException notJson) {
            return null;
        }
    }
}
