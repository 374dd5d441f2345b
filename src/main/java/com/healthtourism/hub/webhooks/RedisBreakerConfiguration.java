package com.healthtourism.hub.webhooks;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One circuit breaker for every Redis call on the intake path (the routes' circuitBreaker EIPs
 * share it by name): once Redis fails, or answers but slower than {@code hub.webhooks.redis-slow-call}
 * for half of the recent calls, the intake stops waiting on it for a while, limits fail open and
 * de-duplication relies on PostgreSQL alone.
 */
@Configuration(proxyBeanMethods = false)
public class RedisBreakerConfiguration {

    @Bean
    CircuitBreaker redisCircuitBreaker(WebhookProperties properties) {
        return CircuitBreaker.of("redis", CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(properties.redisSlowCall())
                .slowCallRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5))
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
    }
}
