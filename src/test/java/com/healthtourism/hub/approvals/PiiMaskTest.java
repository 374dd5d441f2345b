package com.healthtourism.hub.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PiiMaskTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void personalFieldsAreMaskedAtAnyDepthAndTheShapeStaysReadable() throws Exception {
        var payload = json.readTree("""
                {"id":"evt_1","type":"case.created","amount":1200,
                 "patient":{"firstName":"Ayse","last_name":"Yilmaz","email":"ayse@example.com","phone":"+90 555",
                            "passportNumber":"U1234567","medical_history":"asthma","address":{"city":"Izmir"}},
                 "buyer":{"identityNumber":"74300864791"},
                 "cards":[{"cardNumber":"4111111111111111","cardType":"CREDIT_CARD","lastFourDigits":"1111"}],
                 "status":"SUCCESS"}""");

        var masked = PiiMask.mask(payload);

        assertThat(masked.at("/id").asText()).isEqualTo("evt_1");
        assertThat(masked.at("/amount").asInt()).isEqualTo(1200);
        assertThat(masked.at("/status").asText()).isEqualTo("SUCCESS");
        assertThat(masked.at("/patient/firstName").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/patient/last_name").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/patient/email").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/patient/phone").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/patient/passportNumber").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/patient/medical_history").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/patient/address").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/buyer").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/cards/0/cardNumber").asText()).isEqualTo(PiiMask.MASK);
        assertThat(masked.at("/cards/0/cardType").asText()).isEqualTo("CREDIT_CARD");
        assertThat(masked.at("/cards/0/lastFourDigits").asText()).isEqualTo("1111");
        assertThat(masked.toString()).doesNotContain("Ayse", "Yilmaz", "example.com", "U1234567", "asthma",
                "74300864791", "4111111111111111");
    }

    @Test
    void healthDataAndCredentialsInPartnersRealPayloadsAreMaskedToo() throws Exception {
        var doktor365 = PiiMask.mask(json.readTree(getClass().getResourceAsStream("/mappings/doktor365/case.updated.input.json")));
        var stripe = PiiMask.mask(json.readTree(getClass().getResourceAsStream("/mappings/stripe/payment_intent.succeeded.input.json")));
        var iyzico = PiiMask.mask(json.readTree(getClass().getResourceAsStream("/mappings/iyzico/CHECKOUT_FORM_AUTH.input.json")));

        assertThat(doktor365.toString()).doesNotContain("hypertension", "FUE", "Ayse", "U12345678");
        assertThat(doktor365.at("/data/case_id").asText()).isEqualTo("d365-case-88412");
        assertThat(doktor365.at("/data/status").asText()).isEqualTo("quoted");
        assertThat(stripe.toString()).doesNotContain("_secret_");
        assertThat(iyzico.toString()).doesNotContain("f5a3b3c4-6d1e-4f2a-9b8c-7d6e5f4a3b2c");
        assertThat(iyzico.at("/iyziPaymentId").asLong()).isEqualTo(22416347L);
    }

    @Test
    void theInputIsLeftAsItWas() throws Exception {
        var payload = json.readTree("{\"email\":\"a@b.c\"}");
        PiiMask.mask(payload);
        assertThat(payload.get("email").asText()).isEqualTo("a@b.c");
    }
}
