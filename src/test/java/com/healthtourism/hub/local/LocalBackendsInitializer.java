package com.healthtourism.hub.local;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the hub at the local backends before any bean is made. Names the environment already sets
 * (a real PostgreSQL, Kafka, ...) are left alone; only the missing backends are started.
 */
public class LocalBackendsInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

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
        var properties = LocalBackends.start(mode, environment::containsProperty);
        var sources = environment.getPropertySources();
        var local = new MapPropertySource("local-backends", properties);
        // A test's own properties (@TestPropertySource, @DynamicPropertySource) still win over these.
        var testSources = sources.stream().map(source -> source.getName())
                .filter(name -> name.equals("Inlined Test Properties") || name.equals("Dynamic Test Properties"))
                .reduce((first, second) -> second);
        testSources.ifPresentOrElse(name -> sources.addAfter(name, local), () -> sources.addFirst(local));
    }
}
