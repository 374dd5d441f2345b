package com.healthtourism.hub.cases;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Case orchestration's numbers ({@code hub.cases.*}): lock and state-cache lifetimes, gauge refresh, page size. */
@ConfigurationProperties("hub.cases")
public record CaseProperties(Duration lockTtl, Duration stateTtl, Duration metricsRefresh, int maxPage) {
}
