package io.modulets.boundary;

/**
 * What a rewritten boundary site does. Sites of the first group resolve in the calling thread's
 * binding (§2.2, §2.4); those of the second on the generation of their first argument's class,
 * because an object keeps its own code (§2.3); those of the third link once and hold no
 * generation at all (a switch over enum names, loading by name from shell code).
 */
enum SiteKind {
    INVOKE_STATIC(false), NEW(false), GET_STATIC(false), PUT_STATIC(false), CLASS_LITERAL(false), NEW_ARRAY(false),
    NEW_MULTI_ARRAY(false),
    /** A lambda or method reference whose functional interface is swappable: its object is made in the binding. */
    LAMBDA(false),
    INVOKE_VIRTUAL(true), GET_FIELD(true), PUT_FIELD(true), CHECKCAST(true), INSTANCEOF(true),
    ENUM_SWITCH(false), BY_NAME(false),
    /** The binding token of a shell method, read once at its entry for its binding sites. */
    TOKEN(false);

    /** Or-ed into the link kind of a binding site whose last argument is its method's binding token. */
    static final int WITH_TOKEN = 1 << 8;

    final boolean byReceiver;

    SiteKind(boolean byReceiver) {
        this.byReceiver = byReceiver;
    }

    /** Sites that resolve in the calling thread's binding, and may take their method's token. */
    boolean byBinding() {
        return !byReceiver && !isConstant() && this != TOKEN;
    }

    /**
     * Sites that call a method of the generation, whose exceptions are counted against it (DESIGN §2.11); a
     * field access or a type operation runs none of its code once linked. Not {@link #NEW}: an exception
     * handler around a constructor handle keeps C2 from scalar-replacing an object that does not escape
     * (16 bytes allocated per call where there were none, docs/BOUNDARY.md "What a generation's code
     * throws"), a cost paid by every call.
     */
    boolean runsCode() {
        return this == INVOKE_STATIC || this == INVOKE_VIRTUAL;
    }

    /** Sites that never depend on a generation: linked once to a constant target. */
    boolean isConstant() {
        return this == ENUM_SWITCH || this == BY_NAME;
    }
}
