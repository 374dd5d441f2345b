package com.healthtourism.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.healthtourism.hub.security.HubUsers;
import com.healthtourism.hub.security.SecurityProperties;

class StartupSummaryTest {

    private static final HubUsers USERS = new HubUsers(new SecurityProperties("admin", "a-secret", "ops", "o-secret"));

    @Test
    void developmentKeysAreAnnouncedAtStartUp() {
        assertThat(new StartupSummary(USERS, "http://localhost:8080", true).render())
                .contains("DEVELOPMENT encryption keyset and email hash key");
    }

    @Test
    void configuredKeysAreNotCalledDevelopmentKeys() {
        assertThat(new StartupSummary(USERS, "http://localhost:8080", false).render())
                .doesNotContain("DEVELOPMENT")
                .contains("configured encryption keyset and email hash key");
    }
}
