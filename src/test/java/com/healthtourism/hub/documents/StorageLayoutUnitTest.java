package com.healthtourism.hub.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class StorageLayoutUnitTest {

    private final StorageLayout layout = new StorageLayout();

    @Test
    void everyTenantPrefixNamesTheTenant() {
        var tenant = UUID.randomUUID().toString();
        assertThat(layout.tenantPrefixes(tenant)).hasSize(5)
                .allSatisfy(prefix -> assertThat(prefix).contains("/" + tenant + "/"));
    }

    @Test
    void aTenantIdThatIsNotAUuidCannotShapeAKey() {
        assertThatThrownBy(() -> layout.tenantPrefixes("../other-tenant")).isInstanceOf(IllegalArgumentException.class);
    }
}
