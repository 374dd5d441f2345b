package com.healthtourism.hub.local;

import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the hub at the local backends before any bean is made. Names the environment already sets
 * (a real PostgreSQL, Kafka, ...) are left alone; only the missing backends are started.
 */
public class LocalBackendsInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final AtomicInteger CONTEXTS = new AtomicInteger();

    private final LocalBackends.Mode mode;

    public LocalBackendsInitializer() {
        this(LocalBackends.Mode.TEST);
    }

    public LocalBackendsInitializer(LocalBackends.Mode mode) {
        this.mode = mode;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        var environment = context.getEnvironment();
        var properties = new HashMap<String, Object>(LocalBackends.start(mode, environment::containsProperty));
        // Camel's servlet registry is one per JVM and per servlet name: each cached test context needs its own name,
        // or one context's requests could reach another context's intake route.
        properties.putIfAbsent("hub.webhooks.servlet-name", "webhooks-" + CONTEXTS.incrementAndGet());
        var sources = environment.getPropertySources();
        var local = new MapPropertySource("local-backends", properties);
        // A test's own properties (@TestPropertySource, @DynamicPropertySource) still win over these.
        var testSources = sources.stream().map(source -> source.getName())
                .filter(name -> name.equals("Inlined Test Properties") || name.equals("Dynamic Test Properties"))
                .reduce((first, second) -> second);
        testSources.ifPresentOrElse(name -> sources.addAfter(name, local), () -> sources.addFirst(local));
    }
}
