package com.healthtourism.hub.cases;

import java.util.List;
import java.util.Map;

import com.healthtourism.hub.problems.Conflict;

/** 409: the journey does not allow this move. The problem body lists the moves it does allow ({@code allowed}). */
public class TransitionRefused extends Conflict {

    private final List<CaseStateMachine.AllowedMove> allowed;

    public TransitionRefused(CaseStatus from, CaseStatus to, String why, List<CaseStateMachine.AllowedMove> allowed) {
        super("to", "cannot move a case from " + from.wire() + " to " + to.wire() + ": " + why + "; allowed: "
                + describe(allowed));
        this.allowed = allowed;
    }

    public List<CaseStateMachine.AllowedMove> allowed() {
        return allowed;
    }

    @Override
    public Map<String, Object> properties() {
        return Map.of("allowed", allowed);
    }

    private static String describe(List<CaseStateMachine.AllowedMove> allowed) {
        if (allowed.isEmpty()) {
            return "none";
        }
        return String.join(", ", allowed.stream()
                .map(move -> move.to() + (move.reasonRequired() ? " (with a reason)" : "")).toList());
    }
}
