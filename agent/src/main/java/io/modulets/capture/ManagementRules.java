package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code java.lang.management.ManagementFactory}: {@code getPlatformMBeanServer()} gives the server it returns to
 * {@code ManagementHooks}, so that the agent registers its MBeans when someone makes the platform MBean server
 * rather than making it itself.
 */
final class ManagementRules {
    static final String FACTORY = "java/lang/management/ManagementFactory";

    private ManagementRules() {
    }

    static List<Transformlet> rules() {
        return List.of(new Rule(FACTORY) {
            @Override
            MethodVisitor rewrite(String method, MethodVisitor mv) {
                return method.equals("getPlatformMBeanServer()Ljavax/management/MBeanServer;")
                        ? Hooks.beforeAreturn(mv, Hooks.MANAGEMENT, "platformServer", "(Ljava/lang/Object;)V") : mv;
            }
        });
    }
}
