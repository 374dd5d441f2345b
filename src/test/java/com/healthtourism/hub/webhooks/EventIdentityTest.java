package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import com.healthtourism.hub.signatures.IyzicoScheme;

class EventIdentityTest {

    private final EventIdentity identity = new EventIdentity();
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode body(String text) throws Exception {
        return json.readTree(text);
    }

    @Test
    void stripeEventsAreKnownByTheirEventId() throws Exception {
        var a = identity.of("stripe", body("{\"id\":\"evt_1\",\"type\":\"charge.refunded\",\"created\":1}"), Map.of(), new byte[] {1});
        var b = identity.of("stripe", body("{\"id\":\"evt_1\",\"type\":\"charge.refunded\",\"created\":2}"), Map.of(), new byte[] {2});

        assertThat(a.eventType()).isEqualTo("charge.refunded");
        assertThat(a.partnerEventId()).isEqualTo("evt_1");
        assertThat(a.dedupeKey()).isEqualTo(b.dedupeKey()).hasSize(64);
    }

    @Test
    void iyzicoNotificationsAreKnownByTypePaymentTokenAndStatus() throws Exception {
        var success = identity.of("iyzico", body("{\"iyziEventType\":\"CHECKOUT_FORM_AUTH\",\"iyziPaymentId\":\"22483975\","
                + "\"token\":\"tok\",\"status\":\"SUCCESS\",\"iyziEventTime\":1}"), Map.of(), new byte[0]);
        var retried = identity.of("iyzico", body("{\"iyziEventType\":\"CHECKOUT_FORM_AUTH\",\"iyziPaymentId\":\"22483975\","
                + "\"token\":\"tok\",\"status\":\"SUCCESS\",\"iyziEventTime\":2}"), Map.of(), new byte[0]);
        var failure = identity.of("iyzico", body("{\"iyziEventType\":\"CHECKOUT_FORM_AUTH\",\"iyziPaymentId\":\"22483975\","
                + "\"token\":\"tok\",\"status\":\"FAILURE\"}"), Map.of(), new byte[0]);

        assertThat(success.dedupeKey()).isEqualTo(retried.dedupeKey()).isNotEqualTo(failure.dedupeKey());
        assertThat(success.partnerEventId()).as("without the checkout token, which retrieves the payment")
                .isEqualTo("CHECKOUT_FORM_AUTH:22483975:SUCCESS");
        var otherToken = identity.of("iyzico", body("{\"iyziEventType\":\"CHECKOUT_FORM_AUTH\",\"iyziPaymentId\":\"22483975\","
                + "\"token\":\"tok2\",\"status\":\"SUCCESS\"}"), Map.of(), new byte[0]);
        assertThat(otherToken.dedupeKey()).as("the token still tells two notifications apart").isNotEqualTo(success.dedupeKey());
    }

    @Test
    void anIyzicoNotificationIsKnownByThePaymentIdItsSignatureCovers() throws Exception {
        var direct = "{\"iyziEventType\":\"API_AUTH\",\"paymentId\":\"22484059\",\"status\":\"SUCCESS\"";
        var signed = identity.of("iyzico", body(direct + "}"), Map.of(), new byte[0]);
        var unsignedIdAdded = identity.of("iyzico", body(direct + ",\"iyziPaymentId\":99999999}"), Map.of(), new byte[0]);

        assertThat(unsignedIdAdded.dedupeKey()).as("a replay with an unsigned id added is the same event")
                .isEqualTo(signed.dedupeKey());
        assertThat(unsignedIdAdded.partnerEventId()).isEqualTo("API_AUTH:22484059:SUCCESS");
    }

    @Test
    void anIyzicoNotificationWithItsFieldBoundariesMovedIsTheSameEvent() throws Exception {
        var original = body("{\"iyziEventType\":\"API_AUTH\",\"paymentId\":\"22484059\","
                + "\"paymentConversationId\":\"conversationId\",\"status\":\"SUCCESS\"}");
        // a token added (the hosted-page form) and the conversation id shortened by it, or digits of the payment id
        // moved into the conversation id: iyzico joins the fields without a separator, so the signature still holds
        var tokenAdded = body("{\"iyziEventType\":\"API_AUTH\",\"paymentId\":\"22484059\",\"iyziPaymentId\":\"22484059\","
                + "\"token\":\"c\",\"paymentConversationId\":\"onversationId\",\"status\":\"SUCCESS\"}");
        var digitsMoved = body("{\"iyziEventType\":\"API_AUTH\",\"paymentId\":\"2248405\","
                + "\"paymentConversationId\":\"9conversationId\",\"status\":\"SUCCESS\"}");
        var secret = "sandbox-UuLnD7wZa0a3DmytfIrwHQqAMfqCNJrs";
        assertThat(IyzicoScheme.signature(secret, tokenAdded)).isEqualTo(IyzicoScheme.signature(secret, original));
        assertThat(IyzicoScheme.signature(secret, digitsMoved)).isEqualTo(IyzicoScheme.signature(secret, original));

        var first = identity.of("iyzico", original, Map.of(), new byte[0]);
        assertThat(identity.of("iyzico", tokenAdded, Map.of(), new byte[0]).dedupeKey()).isEqualTo(first.dedupeKey());
        assertThat(identity.of("iyzico", digitsMoved, Map.of(), new byte[0]).dedupeKey()).isEqualTo(first.dedupeKey());
        assertThat(first.partnerEventId()).isEqualTo("API_AUTH:22484059:SUCCESS");
    }

    @Test
    void standardWebhooksAreKnownByWebhookId() throws Exception {
        var a = identity.of("standard-webhooks", body("{\"type\":\"case.updated\"}"), Map.of("webhook-id", "msg_1"), new byte[] {1});
        var b = identity.of("standard-webhooks", body("{\"type\":\"case.updated\",\"x\":1}"), Map.of("webhook-id", "msg_1"), new byte[] {2});

        assertThat(a.dedupeKey()).isEqualTo(b.dedupeKey());
        assertThat(a.eventType()).isEqualTo("case.updated");
    }

    @Test
    void otherwiseTheIdempotencyKeyAndThenTheBodyHash() throws Exception {
        var keyed = identity.of("hmac-sha256", body("{}"), Map.of("x-idempotency-key", "k1"), "a".getBytes(StandardCharsets.UTF_8));
        var keyedAgain = identity.of("hmac-sha256", body("{}"), Map.of("x-idempotency-key", "k1"), "b".getBytes(StandardCharsets.UTF_8));
        var hashed = identity.of("hmac-sha256", body("{}"), Map.of(), "a".getBytes(StandardCharsets.UTF_8));
        var hashedOther = identity.of("hmac-sha256", body("{}"), Map.of(), "b".getBytes(StandardCharsets.UTF_8));

        assertThat(keyed.dedupeKey()).isEqualTo(keyedAgain.dedupeKey());
        assertThat(hashed.dedupeKey()).isNotEqualTo(hashedOther.dedupeKey()).isNotEqualTo(keyed.dedupeKey());
    }

    @Test
    void aStripeEventWithoutIdFallsBackRatherThanCollapsingIntoOne() throws Exception {
        var a = identity.of("stripe", body("{\"type\":\"x\"}"), Map.of(), "a".getBytes(StandardCharsets.UTF_8));
        var b = identity.of("stripe", body("{\"type\":\"x\"}"), Map.of(), "b".getBytes(StandardCharsets.UTF_8));

        assertThat(a.dedupeKey()).isNotEqualTo(b.dedupeKey());
    }
}
