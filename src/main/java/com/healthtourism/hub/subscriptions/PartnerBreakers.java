package com.healthtourism.hub.subscriptions;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;

/**
 * A Resilience4j circuit breaker per partner subscription, around each attempt of an outbound webhook
 * (partner-webhook-call). Attempts that find the partner unavailable (no connection, a timeout, 5xx, 408 or 429)
 * count against it; other refusals (400, 401, 404, …) concern the event or the subscription's settings, not the
 * partner's health, and are ignored. Once open, deliveries to that partner are not attempted: they go to the
 * approval queue at once instead of waiting out their retries on the one consumer that serves every partner.
 * A granted replay is an operator's deliberate try and always goes through; when it succeeds the breaker closes.
 * The breakers live in the instance's memory: each hub instance learns a partner's health by itself.
 */
@Component("partnerBreakers")
public class PartnerBreakers {

    /** Exchange property the delivery route sets: the subscription the attempt is for. */
    public static final String SUBSCRIPTION = "partnerSubscription";
    /** Exchange property the delivery route sets: the subscription's tenant (shown to ops beside its breaker). */
    public static final String TENANT = "partnerTenant";
    /** Exchange property of a permitted attempt under way: when it started (System.nanoTime). */
    static final String ATTEMPT = "partnerBreakerAttempt";

    private static final Logger log = LoggerFactory.getLogger(PartnerBreakers.class);

    private final CircuitBreakerRegistry breakers;
    private final Counter notAttempted;

    public PartnerBreakers(PartnerBreakerProperties properties, MeterRegistry meters) {
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(properties.window())
                .minimumNumberOfCalls(properties.minimumCalls())
                .failureRateThreshold(properties.failureRate())
                .waitDurationInOpenState(properties.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .maxWaitDurationInHalfOpenState(properties.halfOpenMaxWait())
                .recordException(PartnerBreakers::showsPartnerUnavailable)
                .build());
        breakers.getEventPublisher().onEntryAdded(added -> added.getAddedEntry().getEventPublisher()
                .onStateTransition(event -> log.warn("partner webhooks of subscription {}: circuit breaker {}",
                        event.getCircuitBreakerName(), event.getStateTransition())));
        this.notAttempted = Counter.builder("hub.partner-webhooks.short-circuited")
                .description("outbound webhooks sent to the approval queue unattempted: their partner's breaker was open")
                .register(meters);
        Gauge.builder("hub.partner-webhooks.breakers.open", breakers, registry -> registry.getAllCircuitBreakers().stream()
                        .filter(breaker -> breaker.getState() == CircuitBreaker.State.OPEN).count())
                .description("partner subscriptions whose circuit breaker is open").register(meters);
    }

    /** Before an attempt: throws {@link PartnerUnavailable} when the subscription's breaker lets no call through. */
    public void permit(Exchange exchange) {
        exchange.removeProperty(ATTEMPT);
        if (exchange.getProperty(ApprovalQueue.REPLAY_OF) != null) {
            return;
        }
        var subscription = subscription(exchange);
        if (!breaker(exchange).tryAcquirePermission()) {
            notAttempted.increment();
            throw new PartnerUnavailable(subscription);
        }
        exchange.setProperty(ATTEMPT, System.nanoTime());
    }

    /** After the partner accepted the attempt. */
    public void succeeded(Exchange exchange) {
        var breaker = breaker(exchange);
        if (exchange.removeProperty(ATTEMPT) instanceof Long started) {
            breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        } else if (exchange.getProperty(ApprovalQueue.REPLAY_OF) != null && breaker.getState() != CircuitBreaker.State.CLOSED) {
            breaker.transitionToClosedState();
        }
    }

    /** After an attempt failed (the error handler's onExceptionOccurred): counts it if it shows the partner down. */
    public void failed(Exchange exchange) {
        if (!(exchange.removeProperty(ATTEMPT) instanceof Long started)) {
            return;
        }
        var failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        breaker(exchange).onError(System.nanoTime() - started, TimeUnit.NANOSECONDS,
                failure == null ? new IllegalStateException("attempt failed") : failure);
    }

    /**
     * Drops a subscription's breaker, after an operator changed or deactivated the subscription: a changed one starts
     * closed, and a deactivated one no longer shows. Only this instance's: another instance's open breaker lets a
     * trial call through when its open time is over, as it would anyway.
     */
    public void forget(UUID subscription) {
        breakers.remove(subscription.toString()).ifPresent(gone ->
                log.info("partner webhooks of subscription {}: circuit breaker dropped ({}), the subscription changed",
                        subscription, gone.getState()));
    }

    /** What ops see of a subscription's breaker; {@code failureRate} is -1 until the breaker has its minimum of calls. */
    public record View(String tenant, String subscription, CircuitBreaker.State state, float failureRate,
                       int bufferedCalls, int failedCalls, long notAttempted) {
    }

    /** The breakers this instance has, of one tenant or of all (null), open ones first. */
    public List<View> views(UUID tenant) {
        return breakers.getAllCircuitBreakers().stream()
                .filter(breaker -> tenant == null || tenant.toString().equals(breaker.getTags().get(TENANT)))
                .map(breaker -> {
                    var metrics = breaker.getMetrics();
                    return new View(breaker.getTags().get(TENANT), breaker.getName(), breaker.getState(),
                            metrics.getFailureRate(), metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
                            metrics.getNumberOfNotPermittedCalls());
                })
                .sorted(Comparator.comparing((View view) -> view.state() == CircuitBreaker.State.CLOSED)
                        .thenComparing(View::subscription))
                .toList();
    }

    /** The state of a subscription's breaker (CLOSED when it has none yet). */
    CircuitBreaker.State state(String subscription) {
        return breakers.find(subscription).map(CircuitBreaker::getState).orElse(CircuitBreaker.State.CLOSED);
    }

    static boolean showsPartnerUnavailable(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpOperationFailedException answer) {
                var status = answer.getStatusCode();
                return status >= 500 || status == 429 || status == 408;
            }
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private CircuitBreaker breaker(Exchange exchange) {
        var tenant = exchange.getProperty(TENANT, String.class);
        return breakers.circuitBreaker(subscription(exchange), tenant == null ? Map.of() : Map.of(TENANT, tenant));
    }

    private static String subscription(Exchange exchange) {
        var subscription = exchange.getProperty(SUBSCRIPTION, String.class);
        if (subscription == null) {
            throw new IllegalStateException("the delivery names no subscription (exchange property " + SUBSCRIPTION + ")");
        }
        return subscription;
    }
}
