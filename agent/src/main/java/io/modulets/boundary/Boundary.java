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
 */
public final class Boundary {
    private Boundary() {
    }

    /**
     * @param caller     the shell class's lookup
     * @param name       the site's name (informative)
     * @param type       the erased type of the site
     * @param kind       a {@link SiteKind} ordinal, with {@link SiteKind#WITH_TOKEN} if the last argument
     *                   is the calling method's binding token (not part of the member's arguments)
     * @param owner      the swappable class, internal form (an array descriptor for array types)
     * @param member     the member's name ("" for a type operation; the case table of an enum switch;
     *                   the JDK method of a load by name)
     * @param descriptor the member's original descriptor ("" for a type operation)
     */
    public static CallSite link(MethodHandles.Lookup caller, String name, MethodType type, int kind,
                                String owner, String member, String descriptor) {
        return link(caller, type, kind, owner, member, descriptor, null);
    }

    /**
     * The bootstrap of a lambda or method reference whose functional interface is swappable
     * ({@link SiteKind#LAMBDA}): {@code owner} is the interface, {@code member} its method, {@code descriptor}
     * the method's type as the lambda was written, {@code implementation} the body (a method of the shell
     * class, or the member a method reference names, which is not swappable), {@code sam} the method's type
     * as the interface declares it and {@code bridges} further types the object must implement (descriptors
     * separated by spaces, or "").
     */
    public static CallSite lambda(MethodHandles.Lookup caller, String name, MethodType type, int kind,
                                  String owner, String member, String descriptor, MethodHandle implementation,
                                  String sam, String bridges) {
        List<String> more = bridges.isEmpty() ? List.of() : List.of(bridges.split(" "));
        return link(caller, type, kind, owner, member, descriptor,
                new LambdaObjects.Shape(implementation, sam, descriptor, more));
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
