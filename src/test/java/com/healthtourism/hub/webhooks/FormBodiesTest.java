package com.healthtourism.hub.webhooks;

import static com.healthtourism.hub.webhooks.WebhookClient.HMAC_SECRET;
import static com.healthtourism.hub.webhooks.WebhookClient.IYZICO_SECRET;
import static com.healthtourism.hub.webhooks.WebhookClient.STRIPE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * What a partner sends besides the JSON body can never pose as the route's path, and the form encoding some partners
 * post works end to end: verified (iyzico signs fields of the form), stored byte-exact, mapped like JSON.
 */
@HubTest
class FormBodiesTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    @LocalServerPort
    int port;
    @Autowired
    TenantTransactions transactions;

    WebhookClient partner;
    UUID tenant;

    @BeforeEach
    void tenantWithSources() {
        partner = new WebhookClient(port);
        tenant = partner.tenantWithSources(Map.of());
    }

    @Test
    void aSignedIyzicoFormIsAcceptedAndPublishedAsItsPaymentEvent() {
        var paymentId = Long.toString(30_000_000L + (long) (Math.random() * 1_000_000));
        // fields named like the route's path variables must not change where the delivery goes
        var form = "iyziEventType=API_AUTH&iyziEventTime=1732528800000&iyziReferenceCode=ref-form"
                + "&paymentId=" + paymentId + "&paymentConversationId=conv%201&status=SUCCESS&merchantId=3396"
                + "&source=web&tenantId=" + UUID.randomUUID();
        var answer = partner.post("/webhooks/" + tenant + "/iyzico", FORM, form.getBytes(StandardCharsets.UTF_8),
                Map.of("X-IYZ-SIGNATURE-V3", PartnerSigner.iyzico(IYZICO_SECRET, "API_AUTH", paymentId, "conv 1", "SUCCESS")));

        assertThat(answer.status()).as(answer.response().body()).isEqualTo(202);
        var id = UUID.fromString(answer.body().get("id").asText());
        await().atMost(Duration.ofSeconds(30)).until(() -> status(id), status -> !status.equals("accepted"));
        assertThat(status(id)).as("mapped from the form's fields and published, not failed").isEqualTo("published");

        var wrong = partner.post("/webhooks/" + tenant + "/iyzico", FORM, form.getBytes(StandardCharsets.UTF_8),
                Map.of("X-IYZ-SIGNATURE-V3", PartnerSigner.iyzico(IYZICO_SECRET, "API_AUTH", paymentId, "conv 2", "SUCCESS")));
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void aMalformedFormIsTheRoutesOwnAnswerNotAFailureBeforeIt() {
        var malformed = "flag&x=%zz&&".getBytes(StandardCharsets.UTF_8);

        var unknown = partner.post("/webhooks/" + UUID.randomUUID() + "/acme", FORM, malformed, Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");

        var signed = partner.post("/webhooks/" + tenant + "/acme", FORM, malformed,
                Map.of("X-Hub-Signature-256", PartnerSigner.hubSignature(HMAC_SECRET, "flag&x=%zz&&")));
        assertThat(signed.status()).isEqualTo(400);
        assertThat(signed.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aQueryStringCannotPoseAsTheSource() {
        var body = WebhookClient.stripeEvent("evt_query_" + UUID.randomUUID(), "payment_intent.succeeded");
        var signature = PartnerSigner.stripe(STRIPE_SECRET, Instant.now().getEpochSecond(), body);

        var answer = partner.post("/webhooks/" + tenant + "/stripe?source=acme&tenantId=" + UUID.randomUUID(),
                "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of("Stripe-Signature", signature));

        assertThat(answer.status()).as(answer.response().body()).isEqualTo(202);
        var id = UUID.fromString(answer.body().get("id").asText());
        String source = transactions.inTenant(tenant, db -> db.sql("SELECT source FROM inbound_messages WHERE id = ?")
                .param(id).query(String.class).single());
        assertThat(source).isEqualTo("stripe");
    }

    @Test
    void jsonInUtf16IsRefusedRatherThanAcceptedAndFailedLater() {
        var body = "{\"type\":\"hotel.booked\",\"id\":\"bk-utf16\"}".getBytes(StandardCharsets.UTF_16LE);

        var answer = partner.post("/webhooks/" + tenant + "/acme", "application/json", body,
                Map.of("X-Hub-Signature-256", PartnerSigner.hubSignature(HMAC_SECRET, body)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().get("detail").asText()).isEqualTo("the body must be JSON in UTF-8");
    }

    private String status(UUID message) {
        return transactions.inTenant(tenant, db -> db.sql("SELECT status::text FROM inbound_messages WHERE id = ?")
                .param(message).query(String.class).single());
    }
}
