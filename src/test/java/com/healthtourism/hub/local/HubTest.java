package com.healthtourism.hub.local;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import com.healthtourism.hub.HubApplication;

/**
 * The whole hub on a random port, on the real local backends (one set per test JVM). JMX stays on,
 * as in production, so Hawtio sees the routes.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = LocalBackendsInitializer.class)
@ActiveProfiles("test")
public @interface HubTest {
}
