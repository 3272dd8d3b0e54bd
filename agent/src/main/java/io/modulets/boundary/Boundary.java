package io.modulets.boundary;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The bootstrap method of every rewritten boundary site. Public because shell classes link to it;
 * the call sites it returns resolve the member lazily, per generation.
 *
 * <p>Why its type is {@code StringConcatFactory.makeConcatWithConstants}'s, (Lookup, String, MethodType,
 * String, Object...): the JDK calls a bootstrap method of exactly that type without an invoker or an
 * argument conversion of its own ({@code BootstrapMethodInvoker}: JDK 17 with an {@code invokeExact} whose
 * form is pre-generated, JDK 25 with {@code invokeBasic}), and its direct handle's form ({@code invokeStatic
 * L6_L}) is pre-generated too, in the holder classes of the JDK's CDS archive. The bootstrap's earlier type,
 * seven parameters with an {@code int}, made the first boundary call of every JVM spin about seven
 * {@code LambdaForm} classes for it (docs/PERFORMANCE.md).
 */
public final class Boundary {
    private Boundary() {
    }

    /**
     * @param caller the shell class's lookup
     * @param name   the site's name (informative)
     * @param type   the erased type of the site
     * @param owner  the swappable class, internal form (an array descriptor for array types; "" for a token site)
     * @param site   the rest of the site, in this order:
     *               <ol>
     *               <li>its kind, an {@code Integer}: a {@link SiteKind} ordinal, with {@link SiteKind#WITH_TOKEN}
     *               if the last argument is the calling method's binding token (not part of the member's
     *               arguments);</li>
     *               <li>the member's name ("" for a type operation; the case table of an enum switch; the JDK
     *               method of a load by name);</li>
     *               <li>the member's original descriptor ("" for a type operation);</li>
     *               <li>only for a lambda or method reference whose functional interface is swappable
     *               ({@link SiteKind#LAMBDA}), where {@code owner} is the interface, the member its method and
     *               the descriptor the method's type as the lambda was written: the body (a
     *               {@code MethodHandle}: a method of the shell class, or the member a method reference names,
     *               which is not swappable), the method's type as the interface declares it, and further
     *               types the object must implement (descriptors separated by spaces, or "").</li>
     *               </ol>
     */
    public static CallSite link(MethodHandles.Lookup caller, String name, MethodType type, String owner,
                                Object... site) {
        int kind = (Integer) site[0];
        String member = (String) site[1];
        String descriptor = (String) site[2];
        LambdaObjects.Shape lambda = null;
        if (site.length > 3) {
            String bridges = (String) site[5];
            List<String> more = bridges.isEmpty() ? List.of() : List.of(bridges.split(" "));
            lambda = new LambdaObjects.Shape((MethodHandle) site[3], (String) site[4], descriptor, more);
        }
        return link(caller, type, kind, owner, member, descriptor, lambda);
    }

    private static CallSite link(MethodHandles.Lookup caller, MethodType type, int kind, String owner, String member,
                                 String descriptor, LambdaObjects.Shape lambda) {
        SiteKind siteKind = SiteKind.values()[kind & ~SiteKind.WITH_TOKEN];
        boolean withToken = (kind & SiteKind.WITH_TOKEN) != 0;
        switch (siteKind) {
            case TOKEN:
                TokenSite token = new TokenSite();
                BoundaryLinks.installed().register(token);
                return token;
            case ENUM_SWITCH:
                return new ConstantCallSite(EnumSwitch.handle(member).asType(type));
            case BY_NAME:
                return new ConstantCallSite(ByName.handle(caller.lookupClass(), member).asType(type));
            default:
                break;
        }
        MethodType resolved = withToken ? type.dropParameterTypes(type.parameterCount() - 1, type.parameterCount()) : type;
        Resolver resolver = new Resolver(caller, siteKind, owner.replace('/', '.'), member, descriptor, resolved,
                lambda);
        BoundaryLinks links = BoundaryLinks.installed();
        InlineCacheSite site = siteKind.byReceiver ? new ReceiverSite(type, resolver, links)
                : new BindingSite(type, resolver, withToken, links);
        site.start();
        return site;
    }
}
