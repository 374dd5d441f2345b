package com.healthtourism.hub.cases;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The design's case journey, in order: {@code intake → eligibility → travel → docs → approval → itinerary → complete}. */
public enum CaseStatus {
    INTAKE, ELIGIBILITY, TRAVEL, DOCS, APPROVAL, ITINERARY, COMPLETE;

    /** The name as the schema (enum case_status), the API and the events spell it. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Optional<CaseStatus> next() {
        return ordinal() + 1 < values().length ? Optional.of(values()[ordinal() + 1]) : Optional.empty();
    }

    /** The statuses before this one, earliest first: where a step back may go. */
    public List<CaseStatus> earlier() {
        return Arrays.asList(values()).subList(0, ordinal());
    }

    public static Optional<CaseStatus> parse(String wire) {
        return Arrays.stream(values()).filter(status -> status.wire().equals(wire)).findFirst();
    }
}
