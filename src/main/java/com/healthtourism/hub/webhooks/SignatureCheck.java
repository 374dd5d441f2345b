package com.healthtourism.hub.webhooks;

import java.time.Clock;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangeProperty;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.signatures.SignatureSchemes;
import com.healthtourism.hub.signatures.SignedRequest;

/**
 * Verifies a delivery with its source's scheme and active secrets; any failure is one 401 whose
 * detail says only what kind of failure it was, and is counted by scheme and reason.
 */
@Component("signatureCheck")
public class SignatureCheck {

    private final SignatureSchemes schemes;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Payloads payloads;

    public SignatureCheck(SignatureSchemes schemes, Clock clock, MeterRegistry meters, Payloads payloads) {
        this.schemes = schemes;
        this.payloads = payloads;
        this.clock = clock;
        this.meters = meters;
    }

    public void verify(@ExchangeProperty("delivery") Delivery delivery) {
        var source = delivery.partnerSource();
        var scheme = schemes.byName(source.scheme());
        var request = new SignedRequest(delivery.headers(), delivery.rawBody(), formFields(delivery));
        var verification = scheme.verify(request, source.secrets(), source.tolerance(), clock.instant());
        if (!verification.isValid()) {
            meters.counter("hub.webhooks.signature.rejected", "scheme", scheme.name(),
                    "reason", verification.name().toLowerCase(Locale.ROOT)).increment();
            throw new WebhookRejected(HttpStatus.UNAUTHORIZED, switch (verification) {
                case MISSING_SIGNATURE -> "the signature is missing";
                case STALE_TIMESTAMP -> "the signature's timestamp is outside the tolerance";
                default -> "the signature does not verify";
            });
        }
    }

    /**
     * A form body's fields, for schemes that sign fields of the body (iyzico), which otherwise read the body as JSON;
     * null for any other body, and for a form that does not parse (its signature then cannot verify: 401).
     */
    private JsonNode formFields(Delivery delivery) {
        if (!Payloads.isForm(delivery.header("content-type"))) {
            return null;
        }
        try {
            return payloads.form(delivery.rawBody());
        } catch (WebhookRejected malformed) {
            return null;
        }
    }
}
