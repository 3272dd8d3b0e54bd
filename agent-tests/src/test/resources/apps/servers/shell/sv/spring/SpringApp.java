package sv.spring;

import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import sv.Gates;

/**
 * A Spring Boot 4 web application as Spring Initializr makes one (Spring MVC on embedded Tomcat), run
 * exploded on the class path or as an executable jar; the first argument "virtual" turns on virtual
 * threads, a second argument "beans" scans the swappable package for components too (a swappable
 * {@code @Component} that {@code /bean} calls).
 */
@SpringBootApplication
@RestController
public class SpringApp {
    private final ObjectProvider<Supplier<String>> swappableBean;

    public SpringApp(ObjectProvider<Supplier<String>> swappableBean) {
        this.swappableBean = swappableBean;
    }

    @GetMapping("/x")
    public String serve(@RequestParam("id") String id) throws InterruptedException {
        return Gates.serve(id);
    }

    @GetMapping("/bean")
    public String bean() {
        Supplier<String> bean = swappableBean.getIfUnique();
        return bean == null ? "no bean" : bean.get();
    }

    /** The swappable package's components, with the profile "beans". */
    @Configuration
    @Profile("beans")
    @ComponentScan("sv.mod")
    static class SwappableComponents {
    }

    public static void main(String[] args) throws Exception {
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        boolean beans = args.length > 1 && args[1].equals("beans");
        ConfigurableApplicationContext context = SpringApplication.run(SpringApp.class, "--server.port=0",
                "--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--logging.level.root=warn",
                "--logging.level.io.modulets=info", "--spring.application.name=sv-spring",
                "--spring.threads.virtual.enabled=" + virtual,
                "--spring.profiles.active=" + (beans ? "beans" : "plain"));
        System.out.println("ready " + context.getEnvironment().getProperty("local.server.port"));
        Gates.commands(line -> { });
        context.close();
    }
}
