package com.healthtourism.hub.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

import com.healthtourism.hub.events.MappingFailure;
import com.healthtourism.hub.subscriptions.PartnerUnavailable;

class FailureSummaryTest {

    @Test
    void anHttpFailureGivesItsStatusButNeverThePartnersBody() {
        var error = new HttpOperationFailedException("http://partner/hook", 503, "Service Unavailable", null,
                Map.of(), "{\"patient\":\"Ayse Yilmaz\"}");

        var summary = FailureSummary.of(new RuntimeException("wrapped", error));

        assertThat(summary.type()).isEqualTo(HttpOperationFailedException.class.getName());
        assertThat(summary.message()).isEqualTo("HTTP 503 Service Unavailable");
        var ownPhrase = new HttpOperationFailedException("http://partner/hook", 500, "no patient ayse@example.com",
                null, Map.of(), "");
        assertThat(FailureSummary.of(ownPhrase).message()).as("the standard phrase, not the partner's")
                .isEqualTo("HTTP 500 Internal Server Error");
        assertThat(FailureSummary.of(new HttpOperationFailedException("http://partner/hook", 599, "odd", null, Map.of(), ""))
                .message()).isEqualTo("HTTP 599");
    }

    @Test
    void anArbitraryExceptionGivesItsClassOnlyBecauseItsMessageMayCarryData() {
        var summary = FailureSummary.of(new IllegalStateException("bad value ayse@example.com"));

        assertThat(summary.message()).isEqualTo("IllegalStateException").doesNotContain("ayse");
    }

    @Test
    void ourOwnMappingFailuresAndTheTransportKeepTheirMessages() {
        assertThat(FailureSummary.of(new MappingFailure("mapping output has no 'type'")).message())
                .isEqualTo("mapping output has no 'type'");
        assertThat(FailureSummary.of(new PartnerUnavailable("5b7c0a4e-0000-4000-8000-000000000001")).message())
                .isEqualTo("partner unavailable: circuit breaker of subscription 5b7c0a4e-0000-4000-8000-000000000001 is open");
        assertThat(FailureSummary.of(new RuntimeException(new ConnectException("Connection refused"))).message())
                .isEqualTo("ConnectException: Connection refused");
    }
}
