package com.healthtourism.hub.security;

import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

import com.healthtourism.hub.idempotency.AdminIdempotency;
import com.healthtourism.hub.idempotency.IdempotencyKeyFilter;
import com.healthtourism.hub.tenancy.ApiKeyFilter;
import com.healthtourism.hub.tenancy.ApiKeys;

/**
 * Who may call what: partners reach /webhooks (their signature is checked in the route), the platform's
 * services the tenant API /api with a tenant API key, admins the admin API, ops the consoles and
 * actuator; health and info are open for probes.
 * Browsers get a login page, API clients a problem+json 401.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    @Bean
    InMemoryUserDetailsManager userDetailsService(HubUsers users) {
        return users.userDetails();
    }

    /**
     * Partner webhooks carry no login: their signature is verified in the intake route. Keeping them
     * out of the security filter chain entirely saves its cost on the hub's busiest path.
     */
    @Bean
    WebSecurityCustomizer webhooksOutsideTheLogin() {
        return web -> web.ignoring().requestMatchers("/webhooks/**");
    }

    /**
     * The tenant API for the platform's own services: a tenant API key per request (no session, no login page, no
     * CSRF: nothing a browser sends by itself), checked before anything else; the key decides the tenant.
     */
    @Bean
    @Order(1)
    SecurityFilterChain tenantApiSecurity(HttpSecurity http, ApiKeys keys, ProblemSecurityHandlers problems,
                                          ObjectMapper json) throws Exception {
        http
                .securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().hasRole(ApiKeyFilter.ROLE))
                .addFilterBefore(new ApiKeyFilter(keys, json), AuthorizationFilter.class)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .csrf(csrf -> csrf.disable())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        return http.build();
    }

    @Bean
    SecurityFilterChain hubSecurity(HttpSecurity http, ProblemSecurityHandlers problems,
                                    AdminIdempotency idempotency, ObjectMapper json) throws Exception {
        var browser = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        browser.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/webhooks/**", "/error", "/login", "/logout", "/favicon.ico").permitAll()
                        .requestMatchers("/admin/**").hasRole(HubUsers.ADMIN)
                        // A message's raw payload and replays are admin-only; ops may search and read metadata. The
                        // payloads by every method: MVC answers HEAD with the GET handler, which reads (and audits) it.
                        .requestMatchers("/ops/tenants/*/messages/*/payload").hasRole(HubUsers.ADMIN)
                        .requestMatchers(HttpMethod.POST, "/ops/tenants/*/messages/replay",
                                "/ops/tenants/*/messages/*/replay").hasRole(HubUsers.ADMIN)
                        .requestMatchers("/ops/api/approvals/*/payload").hasRole(HubUsers.ADMIN)
                        .requestMatchers("/ops/**", "/actuator/**").hasRole(HubUsers.OPS)
                        .anyRequest().authenticated())
                .formLogin(form -> form.permitAll())
                .httpBasic(basic -> basic.authenticationEntryPoint(problems))
                // After authorization, so the key is scoped to the operator who sent it.
                .addFilterAfter(new IdempotencyKeyFilter(idempotency, json), AuthorizationFilter.class)
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), browser)
                        .defaultAuthenticationEntryPointFor(problems, AnyRequestMatcher.INSTANCE)
                        .accessDeniedHandler(problems))
                // JSON APIs are called with credentials per request, never from a form. Hawtio's Jolokia
                // client sends no CSRF token; the session cookie is SameSite=Strict, so no other site
                // can ride on an ops session. The ops pages keep CSRF protection through a readable cookie.
                .csrf(csrf -> csrf
                        .ignoringRequestMatchers("/webhooks/**", "/admin/**", "/api/**", "/ops/tenants/**", "/ops/api/**",
                                "/actuator/hawtio/jolokia/**", "/actuator/jolokia/**")
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()));
        return http.build();
    }
}
