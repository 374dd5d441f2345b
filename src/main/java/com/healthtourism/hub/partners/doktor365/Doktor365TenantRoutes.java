package com.healthtourism.hub.partners.doktor365;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.springframework.stereotype.Component;

/**
 * One route per tenant from the template {@code doktor365-tenant} (routes/doktor365-tenant.yaml), made on the tenant's
 * first call: Camel's throttle and circuitBreaker EIPs keep their state per route, so a route of its own gives each
 * tenant its own rate and its own breaker, and one tenant's failing Doktor365 never opens another's.
 */
@Component
public class Doktor365TenantRoutes {

    static final String TEMPLATE = "doktor365-tenant";

    private final CamelContext camel;

    public Doktor365TenantRoutes(CamelContext camel) {
        this.camel = camel;
    }

    public static String routeId(UUID tenant) {
        return TEMPLATE + "-" + tenant;
    }

    /** The endpoint of the tenant's route, made from the template if this is the tenant's first call. */
    public String ensure(UUID tenant) {
        var id = routeId(tenant);
        if (camel.getRoute(id) == null) {
            synchronized (this) {
                if (camel.getRoute(id) == null) {
                    try {
                        camel.addRouteFromTemplate(id, TEMPLATE, Map.of("tenant", tenant.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot make the Doktor365 route of tenant " + tenant, e);
                    }
                }
            }
        }
        return "direct:" + id;
    }

    /** The state of the tenant's breaker (CLOSED, OPEN, HALF_OPEN, ...), if the tenant has called Doktor365 yet. */
    public Optional<String> breakerState(UUID tenant) {
        return Optional.ofNullable(camel.getProcessor("doktor365-breaker-" + tenant))
                .filter(ResilienceProcessor.class::isInstance).map(ResilienceProcessor.class::cast)
                .map(ResilienceProcessor::getCircuitBreakerState);
    }
}
