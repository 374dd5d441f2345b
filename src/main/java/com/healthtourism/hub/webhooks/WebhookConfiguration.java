package com.healthtourism.hub.webhooks;

import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
public class WebhookConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    FilterRegistrationBean<RawBodyFilter> webhookRawBody(WebhookProperties properties, ObjectMapper json,
                                                         @Value("${hub.webhooks.servlet-name}") String camelServlet,
                                                         @Value("${hub.webhooks.body-deadline}") Duration bodyDeadline) {
        var registration = new FilterRegistrationBean<>(
                new RawBodyFilter((int) properties.maxBody().toBytes(), bodyDeadline, json, camelServlet));
        registration.addUrlPatterns("/webhooks/*");
        // first, so that no filter of the hub's own APIs runs before it hands the request to Camel
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
