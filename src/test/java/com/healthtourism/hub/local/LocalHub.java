package com.healthtourism.hub.local;

import org.springframework.boot.SpringApplication;

import com.healthtourism.hub.HubApplication;

/**
 * Local mode: {@code ./mvnw spring-boot:test-run}. Runs the real hub with every missing backend
 * found on this machine or started in the JVM, and route files reloaded when edited.
 */
public final class LocalHub {

    private LocalHub() {
    }

    public static void main(String[] args) throws Exception {
        for (var arg : args) {
            if (arg.startsWith("--backends-only=")) {
                BackendsOnly.run(java.nio.file.Path.of(arg.substring("--backends-only=".length())));
                return;
            }
        }
        var application = new SpringApplication(HubApplication.class);
        application.setAdditionalProfiles("local");
        application.addInitializers(new LocalBackendsInitializer(LocalBackends.Mode.LOCAL));
        application.run(args);
    }
}
