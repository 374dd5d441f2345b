package com.healthtourism.hub.cases;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * The rules of the journey: a step forward must be the next status; a step back may go to any earlier status but
 * needs a reason; anything else (staying put, skipping ahead, going back without a reason) is refused, naming the
 * moves that are allowed.
 */
@Component
public class CaseStateMachine {

    /** One move the current status allows, as the 409 lists it. */
    public record AllowedMove(String to, boolean reasonRequired) {
    }

    /** @throws TransitionRefused when the move from {@code from} to {@code to} is not allowed */
    public CaseMove decide(CaseStatus from, CaseStatus to, String reason) {
        if (from.next().filter(to::equals).isPresent()) {
            return new CaseMove.Forward(from, to);
        }
        if (to.ordinal() < from.ordinal() && reason != null && !reason.isBlank()) {
            return new CaseMove.Back(from, to, reason.strip());
        }
        var why = to.ordinal() < from.ordinal() ? "a step back needs a reason"
                : to == from ? "the case is already " + to.wire()
                : "a step forward must be the next status";
        throw new TransitionRefused(from, to, why, allowed(from));
    }

    public List<AllowedMove> allowed(CaseStatus from) {
        var moves = new ArrayList<AllowedMove>();
        from.next().ifPresent(next -> moves.add(new AllowedMove(next.wire(), false)));
        from.earlier().forEach(earlier -> moves.add(new AllowedMove(earlier.wire(), true)));
        return List.copyOf(moves);
    }
}
