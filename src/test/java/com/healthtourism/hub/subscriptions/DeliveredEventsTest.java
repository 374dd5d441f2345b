package com.healthtourism.hub.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.tenancy.NewTenant;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

@HubTest
class DeliveredEventsTest {

    @Autowired
    DeliveredEvents delivered;
    @Autowired
    Subscriptions subscriptions;
    @Autowired
    TenantRepository tenants;
    @Autowired
    TenantTransactions transactions;

    @Test
    void aDeliveryIsRecordedOnceUntilRemoved() {
        var tenant = tenant();
        var key = tenant + ":" + subscribe(tenant) + ":evt:with:colons";

        assertThat(delivered.contains(key)).isFalse();
        assertThat(delivered.add(key)).as("first add records it").isTrue();
        assertThat(delivered.add(key)).as("second add finds it").isFalse();
        assertThat(delivered.contains(key)).isTrue();
        assertThat(delivered.confirm(key)).isTrue();
        delivered.clear();
        assertThat(delivered.contains(key)).as("clear does not wipe the record").isTrue();
        assertThat(delivered.remove(key)).isTrue();
        assertThat(delivered.contains(key)).isFalse();
        assertThat(delivered.remove(key)).isFalse();
    }

    @Test
    void oneSubscriptionsDeliveryIsNotAnothersOrAnotherTenants() {
        var a = tenant();
        var b = tenant();
        var subscriptionA = subscribe(a);
        var otherOfA = transactions.inTenant(a, db -> subscriptions.save(db, a, "second", "https://p.example.com/2",
                List.of(), null, true)).subscription().id();
        delivered.add(a + ":" + subscriptionA + ":evt-1");

        assertThat(delivered.contains(a + ":" + otherOfA + ":evt-1")).isFalse();
        assertThat(delivered.contains(b + ":" + subscriptionA + ":evt-1")).as("tenant B sees nothing of A").isFalse();
        assertThat(delivered.remove(b + ":" + subscriptionA + ":evt-1")).as("tenant B removes nothing of A").isFalse();
        assertThat(delivered.contains(a + ":" + subscriptionA + ":evt-1")).isTrue();
    }

    @Test
    void aKeyThatIsNotTenantSubscriptionEventIsRefused() {
        var tenant = UUID.randomUUID();
        for (var key : List.of("", "evt-1", tenant + ":evt-1", tenant + ":not-a-uuid:evt-1",
                tenant + ":" + UUID.randomUUID() + ":", tenant + ":" + UUID.randomUUID() + ":" + "x".repeat(201))) {
            assertThatThrownBy(() -> delivered.contains(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private UUID tenant() {
        return tenants.create(new NewTenant("Clinic", "delivered-" + UUID.randomUUID() + ".example.com", Map.of())).id();
    }

    private UUID subscribe(UUID tenant) {
        return transactions.inTenant(tenant, db -> subscriptions.save(db, tenant, "crm", "https://p.example.com/crm",
                List.of(), null, true)).subscription().id();
    }
}
