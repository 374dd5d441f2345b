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
    void theInputIsLeftAsItWas() throws Exception {
        var payload = json.readTree("{\"email\":\"a@b.c\"}");
        PiiMask.mask(payload);
        assertThat(payload.get("email").asText()).isEqualTo("a@b.c");
    }
}
