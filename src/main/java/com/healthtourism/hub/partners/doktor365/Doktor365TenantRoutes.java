package com.healthtourism.hub.partners.doktor365;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.springframework.stereotype.Component;

/**
 * One route per tenant from the template {@code doktor365-tenant} (routes/doktor365/doktor365-tenant.yaml), made on the tenant's
 * first call: Camel's throttle and circuitBreaker EIPs keep their state per route, so a route of its own gives each
 * tenant its own rate and its own breaker, and one tenant's failing Doktor365 never opens another's.
 */
@Component
public class Doktor365TenantRoutes {

    static final String TEMPLATE = "doktor365-tenant";
    /**
     * Threads that run Doktor365 calls under the breaker's time limit (hub.doktor365.call-timeout-millis). Camel's
     * default would be the common fork-join pool, which a 2-core machine sizes to one thread. Bound in Camel's
     * registry only: as a Spring bean it would switch off Spring Boot's own task executor.
     */
    static final String CALL_POOL = "doktor365Calls";

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
                    if (camel.getRegistry().lookupByName(CALL_POOL) == null) {
                        camel.getRegistry().bind(CALL_POOL,
                                camel.getExecutorServiceManager().newCachedThreadPool(this, "doktor365-call"));
                    }
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
        var route = camel.getRoute(routeId(tenant));
        return route == null ? Optional.empty() : breaker(route.navigate()).map(ResilienceProcessor::getCircuitBreakerState);
    }

    /** The route's circuitBreaker EIP, found through the channels and wrappers Camel puts around it. */
    private static Optional<ResilienceProcessor> breaker(Navigate<Processor> node) {
        if (node == null || !node.hasNext()) {
            return Optional.empty();
        }
        for (var processor : node.next()) {
            if (processor instanceof ResilienceProcessor breaker) {
                return Optional.of(breaker);
            }
            if (processor instanceof Navigate<?> inner) {
                @SuppressWarnings("unchecked")
                var found = breaker((Navigate<Processor>) inner);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }
}
