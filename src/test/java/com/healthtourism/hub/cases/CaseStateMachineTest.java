package com.healthtourism.hub.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.healthtourism.hub.cases.CaseStateMachine.AllowedMove;

class CaseStateMachineTest {

    private final CaseStateMachine machine = new CaseStateMachine();

    @Test
    void theJourneyIsTheDesignsOrder() {
        assertThat(List.of(CaseStatus.values()).stream().map(CaseStatus::wire))
                .containsExactly("intake", "eligibility", "travel", "docs", "approval", "itinerary", "complete");
    }

    @ParameterizedTest
    @EnumSource(value = CaseStatus.class, names = "COMPLETE", mode = EnumSource.Mode.EXCLUDE)
    void aStepForwardToTheNextStatusIsAllowedWithoutAReason(CaseStatus from) {
        var next = CaseStatus.values()[from.ordinal() + 1];

        assertThat(machine.decide(from, next, null)).isEqualTo(new CaseMove.Forward(from, next));
    }

    @Test
    void skippingAheadIsRefusedNamingTheAllowedMoves() {
        assertThatThrownBy(() -> machine.decide(CaseStatus.TRAVEL, CaseStatus.APPROVAL, null))
                .isInstanceOfSatisfying(TransitionRefused.class, refused -> {
                    assertThat(refused.allowed()).containsExactly(new AllowedMove("docs", false),
                            new AllowedMove("intake", true), new AllowedMove("eligibility", true));
                    assertThat(refused.getMessage()).contains("travel", "approval", "next status", "docs",
                            "intake (with a reason)");
                    assertThat(refused.status().value()).isEqualTo(409);
                    assertThat(refused.properties()).containsKey("allowed");
                });
    }

    @Test
    void aStepBackNeedsAReason() {
        assertThatThrownBy(() -> machine.decide(CaseStatus.DOCS, CaseStatus.TRAVEL, null))
                .isInstanceOf(TransitionRefused.class).hasMessageContaining("a step back needs a reason");
        assertThatThrownBy(() -> machine.decide(CaseStatus.DOCS, CaseStatus.TRAVEL, "   "))
                .isInstanceOf(TransitionRefused.class);

        assertThat(machine.decide(CaseStatus.DOCS, CaseStatus.INTAKE, " passport expired "))
                .isEqualTo(new CaseMove.Back(CaseStatus.DOCS, CaseStatus.INTAKE, "passport expired"));
    }

    @Test
    void stayingPutIsRefused() {
        assertThatThrownBy(() -> machine.decide(CaseStatus.INTAKE, CaseStatus.INTAKE, "again"))
                .isInstanceOf(TransitionRefused.class).hasMessageContaining("already intake");
    }

    @Test
    void intakeCanOnlyGoForwardAndCompleteOnlyBack() {
        assertThat(machine.allowed(CaseStatus.INTAKE)).containsExactly(new AllowedMove("eligibility", false));
        assertThat(machine.allowed(CaseStatus.COMPLETE)).hasSize(6).allMatch(AllowedMove::reasonRequired);
        assertThatThrownBy(() -> machine.decide(CaseStatus.COMPLETE, CaseStatus.INTAKE, null))
                .isInstanceOf(TransitionRefused.class);
    }
}
