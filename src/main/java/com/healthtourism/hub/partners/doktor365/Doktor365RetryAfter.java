package com.healthtourism.hub.partners.doktor365;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.partners.RetryAfter;

/**
 * The error handler's onExceptionOccurred step of the Doktor365 routes: when Doktor365 said when to come back
 * (Retry-After on a 429 or 503), the next redelivery waits that long (capped by hub.doktor365.max-retry-after) instead
 * of the exponential backoff's delay. Camel reads the delay from the CamelRedeliveryDelay header right after this.
 */
@Component("doktor365RetryAfter")
public class Doktor365RetryAfter implements Processor {

    private final Doktor365Properties properties;

    public Doktor365RetryAfter(Doktor365Properties properties) {
        this.properties = properties;
    }

    @Override
    public void process(Exchange exchange) {
        var unavailable = exchange.getException(Doktor365Unavailable.class);
        if (unavailable == null) {
            unavailable = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Doktor365Unavailable.class);
        }
        RetryAfter.nextRedelivery(exchange, unavailable == null ? null : unavailable.retryAfter().orElse(null),
                properties.maxRetryAfter());
    }
}
