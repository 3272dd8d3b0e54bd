package modulets.bench.startup.webapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import modulets.bench.startup.webswap.Greeting;

/**
 * The whole-process figure's Spring Boot application ({@code startup.WebStartup}): a Spring Boot 4 web application
 * as Spring Initializr makes one (Spring MVC on embedded Tomcat, run exploded on the class path) whose one endpoint
 * calls swappable code. Prints {@code ready PORT} once it serves, and ends when its stdin closes.
 */
@SpringBootApplication
@RestController
public class WebApp {
    @GetMapping("/greet")
    public String greet(@RequestParam("name") String name) {
        return Greeting.to(name);
    }

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext context = SpringApplication.run(WebApp.class, "--server.port=0",
                "--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--logging.level.root=warn");
        System.out.println("ready " + context.getEnvironment().getProperty("local.server.port"));
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the harness closes stdin
        }
        System.exit(SpringApplication.exit(context));
    }
}
