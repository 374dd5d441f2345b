package com.healthtourism.hub.partners.doktor365;

import java.util.concurrent.ExecutorService;

import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class Doktor365Configuration {

    /**
     * Threads that run Doktor365 calls under the circuit breaker's time limit (hub.doktor365.call-timeout): the caller
     * stops waiting at the limit, and the call counts as a failure. Camel's default would be the common fork-join
     * pool, which a 2-core machine sizes to one thread.
     */
    @Bean(name = "doktor365Calls", destroyMethod = "")
    ExecutorService doktor365Calls(CamelContext camel) {
        return camel.getExecutorServiceManager().newCachedThreadPool(this, "doktor365-call");
    }
}
