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
     * The bootstrap of every site but a lambda's. Its type is the JDK's string-concatenation bootstrap's
     * ({@code StringConcatFactory.makeConcatWithConstants}): the JDK calls a bootstrap of that type with
     * {@code invokeExact}, through invokers its class-data archive holds, where a bootstrap of any other type is
     * called through {@code invoke}, whose conversion of the static arguments spins a bound-handle species and
     * about ten lambda-form classes at the first site a JVM links (docs/PERFORMANCE.md, the first boundary
     * call).
     *
     * @param caller    the shell class's lookup
     * @param name      the site's name (informative)
     * @param type      the erased type of the site
     * @param owner     the swappable class, internal form (an array descriptor for array types)
     * @param arguments {@link #KIND}: a {@link SiteKind} ordinal, with {@link SiteKind#WITH_TOKEN} if the last
     *                  argument of the site is the calling method's binding token (not part of the member's
     *                  arguments); then the member's name ("" for a type operation; the case table of an enum
     *                  switch; the JDK method of a load by name), then its original descriptor ("" for a type
     *                  operation)
     */
    public static CallSite link(MethodHandles.Lookup caller, String name, MethodType type, String owner,
                                Object... arguments) {
        return link(caller, type, (Integer) arguments[KIND], owner, (String) arguments[1], (String) arguments[2],
                null);
    }

    /**
     * The bootstrap of a lambda or method reference whose functional interface is swappable
     * ({@link SiteKind#LAMBDA}), of the same type as {@link #link(MethodHandles.Lookup, String, MethodType, String,
     * Object...)}: {@code owner} is the interface; then come the kind, the interface's method, the method's type as
     * the lambda was written, the body (a method of the shell class, or the member a method reference names,
     * which is not swappable), the method's type as the interface declares it and further types the object must
     * implement (descriptors separated by spaces, or "").
     */
    public static CallSite lambda(MethodHandles.Lookup caller, String name, MethodType type, String owner,
                                  Object... arguments) {
        String descriptor = (String) arguments[2];
        String bridges = (String) arguments[5];
        List<String> more = bridges.isEmpty() ? List.of() : List.of(bridges.split(" "));
        return link(caller, type, (Integer) arguments[KIND], owner, (String) arguments[1], descriptor,
                new LambdaObjects.Shape((MethodHandle) arguments[3], (String) arguments[4], descriptor, more));
    }

    /** The kind's place among the bootstrap's arguments after the owner ({@code MethodTokens} clears a bit of it). */
    static final int KIND = 0;

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
