package com.healthtourism.hub.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.ExchangeProperty;
import org.apache.commons.codec.digest.DigestUtils;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.signatures.IyzicoScheme;

/**
 * The partner's own identity of an event, which makes a retried delivery recognisable: Stripe's
 * event id, iyzico's signed fields (event type, payment, token, conversation and status, joined as its
 * signature joins them), Standard Webhooks' webhook-id, else the sender's X-Idempotency-Key, else the
 * body's hash. The dedupe key is its SHA-256; tenant and source scope it in storage. The partner event
 * id kept in clear is the identity, except for iyzico: its event type, payment and status.
 */
@Component("eventIdentity")
public class EventIdentity {

    /**
     * @param eventType      the partner's event type, or null when it names none
     * @param partnerEventId the partner's id of the event (its identity without the scheme prefix)
     * @param dedupeKey      SHA-256 hex of the identity
     */
    public record Identity(String eventType, String partnerEventId, String dedupeKey) {
    }

    public void identify(@ExchangeProperty("delivery") Delivery delivery) {
        delivery.identity(of(delivery.partnerSource().scheme(), delivery.body(), delivery.headers(), delivery.rawBody()));
    }

    Identity of(String scheme, JsonNode body, java.util.Map<String, String> headers, byte[] rawBody) {
        String type;
        String id;
        String shown = null;
        switch (scheme) {
            case "stripe" -> {
                type = text(body, "type");
                id = text(body, "id");
            }
            case "iyzico" -> {
                type = text(body, "iyziEventType");
                // the identity is the very string the signature covers (after the secret key). iyzico joins its
                // fields without a separator, so a captured notification whose field boundaries were moved (a token
                // added, digits shifted from the payment id into the conversation id) still verifies: as that one
                // string, every such re-split is the same event, answered as a duplicate, never a new payment event
                id = body == null ? null : "signed:" + IyzicoScheme.signedFields(body);
                // the checkout token retrieves the payment with the merchant's keys: it is part of the identity (hashed)
                // but not of the id stored in clear and shown to ops
                shown = String.join(":", orEmpty(type), IyzicoScheme.signedPaymentId(body), orEmpty(text(body, "status")));
            }
            case "standard-webhooks" -> {
                type = text(body, "type");
                id = headers.get("webhook-id");
            }
            default -> {
                type = text(body, "type") != null ? text(body, "type") : headers.get("x-event-type");
                id = null;
            }
        }
        if (id == null || id.isEmpty()) {
            var key = headers.get("x-idempotency-key");
            id = key != null && !key.isBlank() ? "key:" + key : "sha256:" + DigestUtils.sha256Hex(rawBody);
        }
        return new Identity(truncate(type, 200), truncate(shown != null ? shown : id, 500), DigestUtils.sha256Hex(id));
    }

    private static String text(JsonNode body, String field) {
        if (body == null) {
            return null;
        }
        var node = body.get(field);
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** At most {@code max} characters, without NUL, which PostgreSQL's text cannot hold (it would fail the group commit). */
    private static String truncate(String value, int max) {
        if (value == null) {
            return null;
        }
        var storable = value.indexOf('\u0000') < 0 ? value : value.replace("\u0000", "");
        return storable.length() <= max ? storable : storable.substring(0, max);
    }
}
