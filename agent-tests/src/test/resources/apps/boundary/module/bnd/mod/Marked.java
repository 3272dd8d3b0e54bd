package bnd.mod;

/** A swappable interface with a static field that classes implementing it inherit. */
public interface Marked {
    String MARK = "mark-VERSION".trim(); // not a compile-time constant: read through a site
}
