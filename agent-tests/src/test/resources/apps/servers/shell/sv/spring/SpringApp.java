package sv.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import sv.Gates;

/**
 * A Spring Boot 4 web application as Spring Initializr makes one (Spring MVC on embedded Tomcat),
 * run exploded on the class path; the first argument "virtual" turns on virtual threads.
 */
@SpringBootApplication
@RestController
public class SpringApp {
    @GetMapping("/x")
    public String serve(@RequestParam("id") String id) throws InterruptedException {
        return Gates.serve(id);
    }

    public static void main(String[] args) throws Exception {
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        ConfigurableApplicationContext context = SpringApplication.run(SpringApp.class, "--server.port=0",
                "--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--logging.level.root=warn",
                "--logging.level.io.modulets=info",
                "--spring.threads.virtual.enabled=" + virtual);
        System.out.println("ready " + context.getEnvironment().getProperty("local.server.port"));
        Gates.commands(line -> { });
        context.close();
    }
}
