package com.healthtourism.hub.cases;

/**
 * A move the state machine allows: one step forward to the next status, or a step back to an earlier one, which
 * carries the reason it needs.
 */
public sealed interface CaseMove {

    CaseStatus from();

    CaseStatus to();

    record Forward(CaseStatus from, CaseStatus to) implements CaseMove {
    }

    record Back(CaseStatus from, CaseStatus to, String reason) implements CaseMove {
    }
}
