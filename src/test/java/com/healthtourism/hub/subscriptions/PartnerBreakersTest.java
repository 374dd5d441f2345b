package com.healthtourism.hub.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.healthtourism.hub.approvals.ApprovalQueue;

/** The breaker of each partner subscription: what counts against a partner, when it opens and how it closes. */
class PartnerBreakersTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PartnerBreakers breakers = new PartnerBreakers(
            new PartnerBreakerProperties(10, 5, 50, Duration.ofMillis(300), Duration.ofMinutes(2)), meters);
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void noConnectionATimeout5xx408And429ShowAPartnerUnavailableOtherRefusalsDoNot() {
        assertThat(PartnerBreakers.showsPartnerUnavailable(http(500))).isTrue();
        assertThat(PartnerBreakers.showsPartnerUnavailable(http(503))).isTrue();
        assertThat(PartnerBreakers.showsPartnerUnavailable(http(429))).isTrue();
        assertThat(PartnerBreakers.showsPartnerUnavailable(http(408))).isTrue();
        assertThat(PartnerBreakers.showsPartnerUnavailable(new ConnectException("refused"))).isTrue();
        assertThat(PartnerBreakers.showsPartnerUnavailable(new IllegalStateException(new SocketTimeoutException()))).isTrue();
        assertThat(PartnerBreakers.showsPartnerUnavailable(http(400))).isFalse();
        assertThat(PartnerBreakers.showsPartnerUnavailable(http(401))).isFalse();
        assertThat(PartnerBreakers.showsPartnerUnavailable(http(404))).isFalse();
        assertThat(PartnerBreakers.showsPartnerUnavailable(new IllegalArgumentException("bad url"))).isFalse();
    }

    @Test
    void refusalsOfEventsNeverOpenIt() {
        var subscription = UUID.randomUUID().toString();
        for (int i = 0; i < 20; i++) {
            attempt(subscription, http(400));
        }
        assertThat(breakers.state(subscription)).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void itOpensWhenHalfOfTheAttemptsFailedThenLetsOneTrialThroughAndClosesWhenItSucceeds() {
        var subscription = UUID.randomUUID().toString();
        var other = UUID.randomUUID().toString();
        for (int i = 0; i < 4; i++) {
            attempt(subscription, new ConnectException("refused"));
            assertThat(breakers.state(subscription)).as("fewer than the minimum of attempts").isEqualTo(CircuitBreaker.State.CLOSED);
        }
        attempt(subscription, http(502));
        assertThat(breakers.state(subscription)).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> breakers.permit(exchange(subscription))).isInstanceOf(PartnerUnavailable.class)
                .hasMessage("partner unavailable: circuit breaker of subscription " + subscription + " is open");
        assertThat(meters.counter("hub.partner-webhooks.short-circuited").count()).isEqualTo(1);
        assertThat(meters.get("hub.partner-webhooks.breakers.open").gauge().value()).isEqualTo(1);
        breakers.permit(exchange(other)); // another partner's breaker is its own

        var trial = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .ignoreException(PartnerUnavailable.class).until(() -> {
                    var exchange = exchange(subscription);
                    breakers.permit(exchange);
                    return exchange;
                }, exchange -> true);
        assertThat(breakers.state(subscription)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThatThrownBy(() -> breakers.permit(exchange(subscription))).as("one trial at a time")
                .isInstanceOf(PartnerUnavailable.class);
        breakers.succeeded(trial);
        assertThat(breakers.state(subscription)).isEqualTo(CircuitBreaker.State.CLOSED);
        breakers.permit(exchange(subscription));
    }

    @Test
    void aGrantedReplayGoesThroughAnOpenBreakerAndClosesItWhenThePartnerTakesIt() {
        var subscription = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            attempt(subscription, http(503));
        }
        var replay = exchange(subscription);
        replay.setProperty(ApprovalQueue.REPLAY_OF, UUID.randomUUID());

        breakers.permit(replay);
        assertThat(breakers.state(subscription)).isEqualTo(CircuitBreaker.State.OPEN);
        breakers.succeeded(replay);

        assertThat(breakers.state(subscription)).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private void attempt(String subscription, Exception failure) {
        var exchange = exchange(subscription);
        breakers.permit(exchange);
        exchange.setException(failure);
        breakers.failed(exchange);
    }

    private Exchange exchange(String subscription) {
        var exchange = new DefaultExchange(camel);
        exchange.setProperty(PartnerBreakers.SUBSCRIPTION, subscription);
        return exchange;
    }

    private static HttpOperationFailedException http(int status) {
        return new HttpOperationFailedException("http://partner.example/hooks", status, "status " + status, null,
                Map.of(), "");
    }
}
