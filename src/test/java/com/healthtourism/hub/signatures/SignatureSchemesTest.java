package com.healthtourism.hub.signatures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SignatureSchemesTest {

    private final SignatureSchemes schemes = new SignatureSchemes();

    @Test
    void everySchemeIsFoundByItsName() {
        assertThat(schemes.byName("stripe")).isInstanceOf(StripeScheme.class);
        assertThat(schemes.byName("iyzico")).isInstanceOf(IyzicoScheme.class);
        assertThat(schemes.byName("standard-webhooks")).isInstanceOf(StandardWebhooksScheme.class);
        assertThat(schemes.byName("hmac-sha256")).isInstanceOf(HmacSha256Scheme.class);
    }

    @Test
    void unknownNameIsAConfigurationError() {
        assertThatThrownBy(() -> schemes.byName("md5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("md5").hasMessageContaining("standard-webhooks");
    }

    @Test
    void stripeAndIyzicoKeepTheirOwnSchemeAndEveryOtherSourceUsesStandardWebhooks() {
        assertThat(schemes.defaultFor("stripe")).isEqualTo("stripe");
        assertThat(schemes.defaultFor("iyzico")).isEqualTo("iyzico");
        assertThat(schemes.defaultFor("doktor365")).isEqualTo("standard-webhooks");
        assertThat(schemes.defaultFor("flights")).isEqualTo("standard-webhooks");
        assertThat(schemes.defaultFor("hotels")).isEqualTo("standard-webhooks");
        assertThat(schemes.defaultFor(null)).isEqualTo("standard-webhooks");
        assertThat(schemes.forSource("Stripe")).isInstanceOf(StripeScheme.class);
    }

    @Test
    void headerNamesAreLowerCasedByTheFactory() {
        var request = SignedRequest.of(Map.of("Stripe-Signature", "t=1"), new byte[0]);
        assertThat(request.header("stripe-signature")).isEqualTo("t=1");
    }
}
