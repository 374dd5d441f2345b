package com.healthtourism.hub.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.healthtourism.hub.local.HubTest;

/** The running hub's {@code jsonata:} scheme is the parse-once component, not Camel's parse-per-message one. */
@HubTest
class MappingComponentWiringTest {

    @Autowired
    CamelContext camel;

    @Test
    void theRelaysMappingsRunOnTheParseOnceComponent() {
        assertThat(camel.getComponent("jsonata")).isInstanceOf(CompiledJsonataComponent.class);
    }
}
