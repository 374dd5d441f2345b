package com.healthtourism.hub.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class EventPatternsTest {

    @Test
    void noPatternsMeansEveryEvent() {
        assertThat(EventPatterns.matches(List.of(), "payment.succeeded")).isTrue();
        assertThat(EventPatterns.matches(List.of(), "doc.uploaded")).isTrue();
    }

    @Test
    void anExactTypeMatchesOnlyItself() {
        assertThat(EventPatterns.matches(List.of("payment.succeeded"), "payment.succeeded")).isTrue();
        assertThat(EventPatterns.matches(List.of("payment.succeeded"), "payment.succeeded_late")).isFalse();
        assertThat(EventPatterns.matches(List.of("payment.succeeded"), "payment.failed")).isFalse();
    }

    @Test
    void aFamilyWildcardMatchesEveryTypeOfThatFamilyOnly() {
        assertThat(EventPatterns.matches(List.of("case.*"), "case.updated")).isTrue();
        assertThat(EventPatterns.matches(List.of("case.*"), "case.created")).isTrue();
        assertThat(EventPatterns.matches(List.of("case.*"), "cases.updated")).isFalse();
        assertThat(EventPatterns.matches(List.of("case.*"), "payment.succeeded")).isFalse();
        assertThat(EventPatterns.matches(List.of("case.*"), "case")).isFalse();
    }

    @Test
    void onlyTypesAndFamilyWildcardsOfTheHubsFamiliesAreValid() {
        for (var valid : List.of("payment.succeeded", "case.*", "doc.uploaded", "approval.*", "case.status_changed")) {
            assertThat(EventPatterns.problem(valid)).as(valid).isEmpty();
        }
        for (var invalid : List.of("*", "payment", "payment.", "shop.*", "shop.opened", "Payment.succeeded",
                "case.*.x", "case.up*", ".updated", " case.*")) {
            assertThat(EventPatterns.problem(invalid)).as(invalid).isPresent();
        }
        assertThat(EventPatterns.problem(null)).isPresent();
    }
}
