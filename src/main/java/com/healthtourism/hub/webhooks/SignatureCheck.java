package com.healthtourism.hub.webhooks;

import java.time.Clock;
import java.util.Locale;

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

    public SignatureCheck(SignatureSchemes schemes, Clock clock, MeterRegistry meters) {
        this.schemes = schemes;
        this.clock = clock;
        this.meters = meters;
    }

    public void verify(@ExchangeProperty("delivery") Delivery delivery) {
        var source = delivery.partnerSource();
        var scheme = schemes.byName(source.scheme());
        var request = new SignedRequest(delivery.headers(), delivery.rawBody(), null);
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
}
