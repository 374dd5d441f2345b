package com.healthtourism.hub.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.healthtourism.hub.local.HubTest;

/** case:state:{caseId} in the machine's Redis: a state read before a change cannot be cached after it. */
@HubTest
class CaseStateCacheTest {

    @Autowired
    CaseStateCache states;

    private final UUID tenant = UUID.randomUUID();
    private final UUID caseId = UUID.randomUUID();

    @Test
    void anOlderVersionNeverReplacesANewerOne() {
        states.put(state("travel", 2));
        states.put(state("eligibility", 1));

        assertThat(states.get(tenant, caseId)).hasValueSatisfying(cached -> assertThat(cached.version()).isEqualTo(2));
    }

    @Test
    void aStateReadBeforeAChangeIsNotCachedAfterTheChangeDroppedIt() {
        states.put(state("eligibility", 1));
        // a reader read version 1; meanwhile a move committed version 2 and dropped the cached state
        states.drop(caseId, 2);
        states.put(state("eligibility", 1));

        assertThat(states.get(tenant, caseId)).as("a miss: the next read goes to the row").isEmpty();
        states.put(state("travel", 2));
        assertThat(states.get(tenant, caseId)).hasValueSatisfying(cached -> assertThat(cached.status()).isEqualTo("travel"));
        assertThat(states.get(UUID.randomUUID(), caseId)).as("another tenant's entry is a miss").isEmpty();
    }

    private CaseSummary state(String status, long version) {
        var now = OffsetDateTime.now();
        return new CaseSummary(caseId, tenant, UUID.randomUUID(), status, "medium", null, version, now, now);
    }
}
