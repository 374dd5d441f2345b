package com.healthtourism.hub.webhooks;

import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.http.common.HttpMessage;
import org.springframework.stereotype.Component;

/** Opens a delivery from the HTTP request and finds its tenant's active source, or answers 404. */
@Component("webhookDeliveries")
public class WebhookDeliveries {

    private final PartnerSources sources;
    private final Clock clock;

    public WebhookDeliveries(PartnerSources sources, Clock clock) {
        this.sources = sources;
        this.clock = clock;
    }

    public Delivery open(Exchange exchange) {
        var request = exchange.getIn(HttpMessage.class).getRequest();
        // /webhooks/{tenantId}/{source}, read from the request itself: Camel maps neither headers, query nor body
        // into the message here (webhook-intake.yaml), so nothing a partner sends can pose as the path
        var path = request.getPathInfo() == null ? new String[0] : request.getPathInfo().split("/", -1);
        var tenant = path.length == 3 ? parseTenant(path[1]) : null;
        var source = path.length == 3 && !path[2].isEmpty() ? path[2] : null;
        var rawBody = (byte[]) request.getAttribute(RawBodyFilter.RAW_BODY);
        var delivery = new Delivery(tenant, source, request.getRemoteAddr(), headers(request),
                rawBody == null ? new byte[0] : rawBody, clock.instant());
        if (tenant == null || source == null) {
            throw WebhookRejected.unknownSource();
        }
        delivery.partnerSource(sources.findActive(tenant, source).orElseThrow(WebhookRejected::unknownSource));
        return delivery;
    }

    private static UUID parseTenant(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static java.util.Map<String, String> headers(HttpServletRequest request) {
        var headers = new HashMap<String, String>();
        for (var name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        return headers;
    }
}
