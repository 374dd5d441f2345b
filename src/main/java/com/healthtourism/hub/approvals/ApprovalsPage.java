package com.healthtourism.hub.approvals;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The ops console page of the approval queue: a static page over the ops API, behind the ops login. */
@Configuration(proxyBeanMethods = false)
public class ApprovalsPage implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/ops/approvals").setViewName("forward:/ops/approvals.html");
    }
}
