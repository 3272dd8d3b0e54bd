package sec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationListener;
import javax.management.ObjectName;

import sec.mod.Magic;

/**
 * Shell program for SecurityIT: deploys through the agent's Manager MBean, as the CLI does, and
 * reports what unbound code runs afterwards. Commands on stdin, one per line: {@code activate JAR…},
 * {@code rescan}, {@code rollback}, {@code magic}. Each answer is one line: {@code OK <generation>
 * magic=N} or {@code REFUSED <the agent's one line> magic=N}. Prints {@code READY magic=N} once the
 * Manager is registered; ends at the end of stdin.
 */
public final class SecApp {
    public static void main(String[] args) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName manager = new ObjectName("io.modulets:type=Manager");
        // The agent registers its MBeans off premain's path: wait for the delegate's notification.
        CountDownLatch registered = new CountDownLatch(1);
        NotificationListener listener = (n, handback) -> {
            if (n instanceof MBeanServerNotification m && m.getType().equals(MBeanServerNotification.REGISTRATION_NOTIFICATION)
                    && m.getMBeanName().equals(manager)) {
                registered.countDown();
            }
        };
        server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
        if (!server.isRegistered(manager) && !registered.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the agent did not register " + manager + " within 30 s");
        }
        server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
        System.out.println("READY magic=" + Magic.get());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.strip().split(" ");
            try {
                Object result = switch (words[0]) {
                    case "activate" -> server.invoke(manager, "activate",
                            new Object[] {java.util.Arrays.copyOfRange(words, 1, words.length)},
                            new String[] {String[].class.getName()});
                    case "rescan" -> server.invoke(manager, "rescan", null, null);
                    case "rollback" -> server.invoke(manager, "rollback", null, null);
                    case "magic" -> "-";
                    default -> throw new IllegalArgumentException("unknown command " + line);
                };
                System.out.println("OK " + result + " magic=" + Magic.get());
            } catch (Exception e) {
                Throwable cause = e;
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                System.out.println("REFUSED " + cause.getMessage() + " magic=" + Magic.get());
            }
        }
    }
}
